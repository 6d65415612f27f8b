import type { Command } from 'commander';
import { gateText } from '../accuracy-gate';
import { planAndConfirm, withRemovalOptions, type RemovalFlags } from '../confirm-removal';
import { findExport, findModel, withCore, type CommandContext } from '../context';
import { exportsTable, jobDetails } from '../format';
import { listByDefault } from './meta';

export function registerExports(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  const exports = program
    .command('exports')
    .description('export jobs: list, show, set the default, delete; alone, lists them');
  const json = (c: Command) => c.option('--json', 'print one JSON document');

  const list = async (opts: { model?: string }) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const modelId = opts.model ? (await findModel(core, opts.model)).id : undefined;
        const jobs = await core.handle('exports:list', modelId ? { modelId } : {});
        out.result(jobs, () => exportsTable(jobs));
        return 0;
      }),
    );
  };
  json(
    exports
      .command('list')
      .description('list export jobs, newest first')
      .option('--model <id>', 'only this model'),
  ).action(list);

  json(
    exports
      .command('show <id>')
      .description('show an export: files, parity figures, errors')
      .option('--log', 'include its log'),
  ).action(async (id: string, opts: { log?: boolean }) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const job = await findExport(core, id);
        const { path: metadataPath } = await core.handle('exports:metadata', { id: job.id });
        const log = opts.log ? await core.handle('exports:log', { id: job.id }) : undefined;
        const accuracyGate = await core.handle('exports:accuracyGate', { id: job.id });
        const failed = gateText(accuracyGate);
        out.result({ ...job, metadataPath, accuracyGate, ...(log ? { log } : {}) }, () =>
          [jobDetails(job, metadataPath), ...(failed ? [failed] : []), ...(log ? ['', ...log] : [])].join(
            '\n',
          ),
        );
        return 0;
      }),
    );
  });

  json(exports.command('log <id>').description("print an export's log")).action(async (id: string) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const log = await core.handle('exports:log', { id: (await findExport(core, id)).id });
        out.result(log, () => log.join('\n'));
        return 0;
      }),
    );
  });

  json(exports.command('set-default <id>').description("make this export its model's default")).action(
    async (id: string) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const job = await core.handle('exports:setDefault', { id: (await findExport(core, id)).id });
          out.result(
            job,
            () => `v${job.version} (${job.id}) is now the default export of model ${job.modelId}.`,
          );
          return 0;
        }),
      );
    },
  );

  withRemovalOptions(
    json(
      exports
        .command('delete <id>')
        .description(
          'delete an export, its files and the packages built from it (asks first, saying what goes)',
        ),
    ),
  ).action(async (id: string, opts: RemovalFlags) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const job = await findExport(core, id);
        if (!(await planAndConfirm(core, 'exports:removal', job.id, opts))) return 1;
        const { endpoints } = await core.handle('exports:delete', { id: job.id, endpoints: opts.endpoints });
        const remaining = await core.handle('exports:list', { modelId: job.modelId });
        const promoted = remaining.find((j) => j.isDefault);
        out.result({ deleted: true, id: job.id, defaultId: promoted?.id ?? null, endpoints }, () =>
          [
            ...endpoints.map((e) => `Endpoint ${e.name} (${e.id}) is ${e.status} on the platform.`),
            `Deleted export v${job.version} (${job.id}) and its files.`,
            ...(job.isDefault && promoted
              ? [`v${promoted.version} (${promoted.id}) is now the default.`]
              : []),
          ].join('\n'),
        );
        return 0;
      }),
    );
  });

  json(exports.command('cancel <id>').description('cancel a running export')).action(async (id: string) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const job = await core.handle('exports:cancel', { id: (await findExport(core, id)).id });
        out.result(job, () => `Export v${job.version} (${job.id}) is ${job.status}.`);
        return 0;
      }),
    );
  });

  listByDefault(exports, () => list({}));
}
