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
    .option(
      '--with <environments>',
      'also check (with --fix: make) converter environments made on first use, e.g. tflite',
    )
    .option('--json', 'print one JSON document')
    .action(async (opts: { fix?: boolean; dev?: boolean; with?: string }) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const dev = Boolean(opts.dev);
          const extras = (opts.with ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          const request = { dev, ...(extras.length ? { environments: extras } : {}) };
          let answer;
          if (opts.fix) {
            const view = new ProgressView();
            const off = core.on('toolchain:progress', (p) => {
              if (p.line) view.line(p.line);
              if (p.stage !== 'ready' && p.stage !== 'failed') view.update(p.stage, p.fraction, 'toolchain ');
            });
            try {
              answer = await core.handle('toolchain:ensure', request);
            } finally {
              off();
              view.done();
            }
          } else {
            answer = await core.handle('toolchain:doctor', request);
          }
          const { environments = [], ...report } = answer;
          const ok = report.ok && environments.every((e) => e.ready);
          out.result(extras.length ? { ...report, ok, environments } : report, () =>
            [
              doctorText(report),
              ...environments.map(
                (e) =>
                  `  ${e.framework} environment: ${e.ready ? 'ready' : 'not installed (doctor --fix --with ' + e.framework + ')'} ${e.path}`,
              ),
            ].join('\n'),
          );
          return ok ? 0 : 1;
        }),
      );
    });
}
