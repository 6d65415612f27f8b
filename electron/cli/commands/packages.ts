import type { Command } from 'commander';
import type { PackageListed } from '../../contract';
import { formatBytes } from '../../core';
import { findExport, withCore, type CommandContext } from '../context';
import { table } from '../format';
import { confirmDestructive } from '../confirm-removal';
import { listByDefault } from './meta';

function packagesTable(packages: PackageListed[]): string {
  if (packages.length === 0)
    return 'No packages yet. Build one with `edgepack package <export-id> --target bundle`.';
  return table(
    ['ID', 'EXPORT', 'TARGET', 'SIZE', 'CREATED', 'FILE'],
    packages.map((p) => [
      p.id,
      p.exportId,
      p.target,
      formatBytes(p.sizeBytes),
      p.createdAt.slice(0, 19).replace('T', ' '),
      p.missing ? `${p.path} (missing: moved or deleted; build it again)` : p.path,
    ]),
  );
}

export function registerPackages(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  const packages = program
    .command('packages')
    .description('packages built from exports: list, delete; alone, lists them');

  const list = async (opts: { export?: string }) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const listed = opts.export
          ? await core.handle('packages:list', { exportId: (await findExport(core, opts.export)).id })
          : await core.handle('packages:listAll', {});
        out.result(listed, () => packagesTable(listed));
        return 0;
      }),
    );
  };
  packages
    .command('list')
    .description('list packages, newest first (a file moved away shows as missing)')
    .option('--export <id>', 'only the packages of this export')
    .option('--json', 'print one JSON document')
    .action(list);

  packages
    .command('delete <id>')
    .description('forget a package and remove its file (kept if it is no longer the file Edgepack wrote)')
    .option(
      '-y, --yes',
      'do not ask first (for scripts); without it, a terminal is asked and anything else refused',
    )
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: { yes?: boolean }) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const record = (await core.handle('packages:listAll', {})).find((p) => p.id === id);
          if (record) {
            const what = record.missing
              ? `Deleting package ${id} (${record.target} of export ${record.exportId}) forgets its record; its file ${record.path} is already gone.`
              : `Deleting package ${id} (${record.target} of export ${record.exportId}) removes ${record.path} (${formatBytes(record.sizeBytes)}).`;
            if (!(await confirmDestructive(what, opts, 'deleted'))) {
              process.stderr.write('Nothing was deleted.\n');
              return 1;
            }
          }
          const result = await core.handle('packages:delete', { id });
          out.result(result, () => `Deleted package ${id} (${result.path}).`);
          return 0;
        }),
      );
    });

  listByDefault(packages, () => list({}));
}
