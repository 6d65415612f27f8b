import type { Command } from 'commander';
import { TASKS, type CapabilityMatrix, type FormatCapability } from '../../contract';
import { withCore, type CommandContext } from '../context';

export function registerCapabilities(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('capabilities')
    .description(
      'what each export format can do here: per task supported and quality, converter installed, buildable here and why not',
    )
    .option('--framework <name>', 'the model framework', 'ultralytics')
    .option('--json', 'print one JSON document')
    .action(async (opts: { framework: string }) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const matrix = await core.handle('capabilities:get', {
            framework: opts.framework as 'ultralytics',
            refresh: true,
          });
          out.result(matrix, () => capabilitiesText(matrix));
          return 0;
        }),
      );
    });
}

function status(f: FormatCapability): string {
  if (!f.converter.installed && !f.buildableHere) return 'not installed';
  if (f.deferred) return 'deferred build (engine built on the target device)';
  if (!f.converter.installed) return 'installs on first use';
  return f.runnableHere ? 'builds and runs here' : 'builds here, cannot run on this OS';
}

export function capabilitiesText(matrix: CapabilityMatrix): string {
  const lines = [
    `Export formats for ${matrix.framework}${matrix.toolchainReady ? '' : ' (toolchain not installed)'}:`,
  ];
  const header = ['format', ...TASKS, 'precisions', 'here'];
  const rows = matrix.formats.map((f) => [
    f.id,
    ...TASKS.map((t) => (f.tasks[t]?.supported ? (f.tasks[t]?.quality ?? 'yes') : '—')),
    f.precisions.join('/'),
    status(f),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    lines.push(`  ${row.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd());
  for (const f of matrix.formats) if (f.reason) lines.push(`  ${f.id}: ${f.reason}`);
  return lines.join('\n');
}
