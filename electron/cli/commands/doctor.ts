import type { Command } from 'commander';
import { doctorText } from '../format';
import { withCore, type CommandContext } from '../context';
import { ProgressView } from '../progress';

export function registerDoctor(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('doctor')
    .description(
      'report the toolchain environment: Python, installed package versions, problems and their fixes',
    )
    .option('--fix', 'create or repair the toolchain environment')
    .option('--dev', 'also require (with --fix: install) the development tools: pytest, ruff, jsonschema')
    .option('--json', 'print one JSON document')
    .action(async (opts: { fix?: boolean; dev?: boolean }) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const dev = Boolean(opts.dev);
          if (opts.fix) {
            const view = new ProgressView();
            const off = core.on('toolchain:progress', (p) => {
              if (p.line) view.line(p.line);
              if (p.stage !== 'ready' && p.stage !== 'failed') view.update(p.stage, p.fraction, 'toolchain ');
            });
            try {
              await core.services.toolchain.ensure({ dev });
            } finally {
              off();
              view.done();
            }
          }
          const report = await core.services.toolchain.doctor({ dev });
          out.result(report, () => doctorText(report));
          return report.ok ? 0 : 1;
        }),
      );
    });
}
