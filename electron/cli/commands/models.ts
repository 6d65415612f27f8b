import type { Command } from 'commander';
import { planAndConfirm, withRemovalOptions, type RemovalFlags } from '../confirm-removal';
import { findModel, withCore, type CommandContext } from '../context';
import { modelCard, modelsTable } from '../format';
import { listByDefault } from './meta';

export function registerModels(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  const models = program
    .command('models')
    .description('models (checkpoints and ONNX files) in the data folder; alone, lists them');

  models
    .command('add <file>')
    .description('check, describe and store a checkpoint (.pt) or ONNX model')
    .option('--trust-unsafe', 'load a checkpoint even though its pickle imports code outside the allowlist')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts: { trustUnsafe?: boolean }) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const model = await core.handle('models:add', {
            path: file,
            trustUnsafe: Boolean(opts.trustUnsafe),
          });
          const [kept] =
            model.framework === 'onnx' && !model.alreadyAdded
              ? await core.handle('exports:list', { modelId: model.id })
              : [];
          out.result(model, () =>
            [
              model.alreadyAdded
                ? `Already added (the same file, by its SHA-256): ${model.name} (${model.id})`
                : 'Added',
              modelCard(model),
              ...(kept
                ? [
                    `Kept as it is as export v${kept.version} (${kept.id}): predict with it or deploy it by that id.`,
                  ]
                : []),
            ].join('\n'),
          );
          return 0;
        }),
      );
    });

  const list = async () => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const all = await core.handle('models:list', {});
        out.result(all, () => modelsTable(all));
        return 0;
      }),
    );
  };
  models
    .command('list')
    .description('list the models')
    .option('--json', 'print one JSON document')
    .action(list);

  models
    .command('show <id>')
    .description("show a model's card")
    .option('--json', 'print one JSON document')
    .action(async (id: string) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const model = await findModel(core, id);
          out.result(model, () => modelCard(model));
          return 0;
        }),
      );
    });

  withRemovalOptions(
    models
      .command('remove <id>')
      .description('remove a model with its exports and their files (asks first, saying what goes)')
      .option('--json', 'print one JSON document'),
  ).action(async (id: string, opts: RemovalFlags) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const model = await findModel(core, id);
        const plan = await planAndConfirm(core, 'models:removal', model.id, opts);
        if (!plan) return 1;
        const result = await core.handle('models:remove', { id: model.id, endpoints: opts.endpoints });
        out.result({ ...result, id: model.id }, () =>
          [
            ...result.endpoints.map((e) => `Endpoint ${e.name} (${e.id}) is ${e.status} on the platform.`),
            `Removed ${model.name} (${model.id}): ${plan.summary}.`,
          ].join('\n'),
        );
        return 0;
      }),
    );
  });

  listByDefault(models, list);
}
