import type { Command } from 'commander';
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
          out.result(model, () => `Added\n${modelCard(model)}`);
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

  models
    .command('remove <id>')
    .description('remove a model with its exports and their files')
    .option('--json', 'print one JSON document')
    .action(async (id: string) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const model = await findModel(core, id);
          const result = await core.handle('models:remove', { id: model.id });
          out.result(
            { ...result, id: model.id },
            () => `Removed ${model.name} (${model.id}) and its exports.`,
          );
          return 0;
        }),
      );
    });

  listByDefault(models, list);
}
