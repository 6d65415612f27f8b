import type { DoctorReport, ExportJob, FormatResult, ModelRecord } from '../contract';
import { formatBytes } from '../core';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function modelCard(m: ModelRecord): string {
  return [
    `${m.name}  (${m.id})`,
    `  framework  ${m.framework}`,
    `  task       ${m.task ?? 'unknown'}`,
    `  classes    ${m.classNames.length ? `${m.classNames.length}: ${preview(m.classNames)}` : 'none recorded'}`,
    `  input      ${m.imgsz.length ? m.imgsz.join('×') : 'unknown'}`,
    `  size       ${formatBytes(m.sizeBytes)}   sha256 ${m.sha256.slice(0, 16)}…`,
    `  stored at  ${m.storedPath}`,
  ].join('\n');
}

function preview(names: string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown}, … (+${names.length - 8})` : shown;
}

export function modelsTable(models: ModelRecord[]): string {
  if (models.length === 0) return 'No models yet. Add one with `edgepack models add <checkpoint.pt>`.';
  return table(
    ['ID', 'NAME', 'FRAMEWORK', 'TASK', 'CLASSES', 'INPUT', 'ADDED'],
    models.map((m) => [
      m.id,
      m.name,
      m.framework,
      m.task ?? '-',
      String(m.classNames.length),
      m.imgsz.join('×') || '-',
      m.createdAt.slice(0, 19).replace('T', ' '),
    ]),
  );
}

export function exportsTable(jobs: ExportJob[]): string {
  if (jobs.length === 0)
    return 'No exports yet. Start one with `edgepack export <model-id|checkpoint> --format onnx`.';
  return table(
    ['ID', 'VERSION', 'FORMAT', 'SIZE', 'STATUS', 'CREATED', 'DEFAULT'],
    jobs.map((j) => [
      j.id,
      `v${j.version}${j.versionTag ? ` (${j.versionTag})` : ''}`,
      j.formats.join(','),
      j.modelSizeBytes === null ? '-' : formatBytes(j.modelSizeBytes),
      j.status,
      j.createdAt.slice(0, 19).replace('T', ' '),
      j.isDefault ? '★' : '',
    ]),
  );
}

export function parityLine(r: FormatResult): string {
  const p = r.parity;
  if (!p) return 'no parity figures';
  const parts: string[] = [];
  if (typeof p.max_abs === 'number') parts.push(`max |Δ| ${p.max_abs.toExponential(2)}`);
  if (typeof p.mean_abs === 'number') parts.push(`mean |Δ| ${p.mean_abs.toExponential(2)}`);
  if (typeof p.box_match === 'number') parts.push(`box match ${(p.box_match * 100).toFixed(1)}%`);
  if (typeof p.top1_agreement === 'number') parts.push(`top-1 ${(p.top1_agreement * 100).toFixed(1)}%`);
  if (typeof p.top5_agreement === 'number') parts.push(`top-5 ${(p.top5_agreement * 100).toFixed(1)}%`);
  if (typeof p.images === 'number') parts.push(`${p.images} images`);
  return parts.join(', ') || 'no parity figures';
}

export function jobDetails(j: ExportJob, metadataPath: string | null): string {
  const lines = [
    `Export v${j.version}${j.versionTag ? ` (${j.versionTag})` : ''} — ${j.status}${j.isDefault ? ' — default' : ''}`,
    `  id          ${j.id}`,
    `  model       ${j.modelId}`,
    `  formats     ${j.formats.join(', ')}`,
    ...(j.runOn ? [`  ran on      ${j.runOn}`] : []),
    `  config      ${JSON.stringify(j.exportConfig)}  optimization ${JSON.stringify(j.optimizationConfig)}`,
    `  created     ${j.createdAt}${j.finishedAt ? `   finished ${j.finishedAt}` : ''}`,
  ];
  if (j.outputDir) lines.push(`  folder      ${j.outputDir}`);
  if (metadataPath) lines.push(`  metadata    ${metadataPath}`);
  if (j.modelSizeBytes !== null) lines.push(`  size        ${formatBytes(j.modelSizeBytes)}`);
  for (const r of j.results) {
    lines.push(`  ${r.format.padEnd(11)} ${r.status}${r.path ? `  ${r.path}` : ''}`);
    lines.push(
      `              ${parityLine(r)}${r.latencyMs !== null ? `, CPU latency ${r.latencyMs.toFixed(1)} ms` : ''}`,
    );
    if (r.error) lines.push(`              ${r.error.code}: ${r.error.message}`);
    if (r.note) lines.push(`              note: ${r.note}`);
    if (r.calibration?.warning) lines.push(`              warning: ${r.calibration.warning}`);
  }
  if (j.error)
    lines.push(
      `  error       ${j.error.code}: ${j.error.message}${j.error.hint ? `\n  hint        ${j.error.hint}` : ''}`,
    );
  return lines.join('\n');
}

export function doctorText(r: DoctorReport): string {
  const lines = [
    `edgepack     ${r.edgepack.version} (Node ${r.edgepack.node}, ${r.edgepack.platform})`,
    `python       ${r.python.path ?? 'not found'}${r.python.version ? ` (${r.python.version})` : ''} ${r.python.ok ? 'ok' : 'NOT OK'}`,
    `environment  ${r.environment.path}`,
    `             ${r.environment.exists ? 'exists' : 'missing'}, ${r.environment.healthy ? 'healthy' : 'not healthy'} (requirements ${r.environment.requirementsHash.slice(0, 12)})`,
    `sandbox      ${r.sandbox.available ? `${r.sandbox.version ?? r.sandbox.tool}: trusted-but-unsafe checkpoints load with no network and a read-only file system` : `none: ${r.sandbox.reason} — a checkpoint you trust although it needs more than the restricted loader allows would load unconfined`}`,
    table(
      ['PACKAGE', 'REQUIRED', 'INSTALLED', ''],
      r.packages.map((p) => [p.name, p.required, p.installed ?? '-', p.ok ? 'ok' : 'MISSING/WRONG']),
    ),
  ];
  if (r.problems.length) {
    lines.push('', 'Problems:');
    for (const p of r.problems) lines.push(`  - ${p.message}`, `    fix: ${p.fix}`);
  } else {
    lines.push('', 'Everything is ready.');
  }
  return lines.join('\n');
}
