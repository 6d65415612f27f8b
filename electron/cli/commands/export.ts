import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { exportConfigRange, exportFormatSchema, type ExportFormat, type ExportJob } from '../../contract';
import { AppError, type LocalCore } from '../../core';
import { checkOutputFolder, findModel, withCore, type CommandContext } from '../context';
import { jobDetails } from '../format';
import { ProgressView } from '../progress';
import { ACCEPT_NAMES_HELP, accuracyText, DATA_HELP } from './validate';
import { FORMATS, imgszProblem, imgszRounding, modelStride } from '../../contract';

interface ExportOptions {
  format: string;
  imgsz?: string;
  out?: string;
  half?: boolean;
  int8?: boolean;
  calib?: string;
  tag?: string;
  opset?: string;
  dynamic?: boolean;
  batch?: string;
  workspace?: string;
  simplify?: boolean;
  trustUnsafe?: boolean;
  verbose?: boolean;
  data?: string;
  acceptNames?: boolean;
  on?: string;
}

const EXIT = { completed: 0, partial: 3, failed: 1, cancelled: 130 } as const;

export function registerExport(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('export <model>')
    .description('export a checkpoint file (added first) or a stored model id, checked against the original')
    .requiredOption(
      '-f, --format <formats>',
      `comma-separated formats: ${exportFormatSchema.options.join(', ')}`,
    )
    .option(
      '--imgsz <n>',
      'input size in pixels, rounded up to the model stride (default: the size the model was trained at)',
    )
    .option(
      '--out <dir>',
      "copy the exported files here when it succeeds (they stay in Edgepack's data folder too)",
    )
    .option('--half', 'FP16 weights')
    .option('--int8', 'INT8 quantization')
    .option(
      '--calib <dir>',
      'folder of images to calibrate INT8 on (default: the sample photos, with a warning)',
    )
    .option('--tag <tag>', 'a version tag, e.g. "release-1"')
    .option('--opset <n>', 'ONNX opset')
    .option('--dynamic', 'dynamic input shapes')
    .option('--batch <n>', 'batch size')
    .option('--workspace <GiB>', FORMATS.tensorrt.exportOptions.workspace.help)
    .option('--no-simplify', 'skip the ONNX graph simplifier')
    .option('--trust-unsafe', 'load a checkpoint even though its pickle imports code outside the allowlist')
    .option('--data <path>', `measure accuracy in the same job: ${DATA_HELP}`)
    .option('--accept-names', ACCEPT_NAMES_HELP)
    .option(
      '--on <target>',
      'run the export on a remote target (a Kubernetes cluster, see `edgepack targets`) instead of this computer',
    )
    .option('--verbose', "print the trainer's log as it runs")
    .option('--json', 'print one JSON document')
    .action(async (target: string, opts: ExportOptions) => {
      const { out } = ctx();
      done(await withCore((core) => runExport(core, target, opts, out)));
    });
}

async function runExport(
  core: LocalCore,
  target: string,
  opts: ExportOptions,
  out: CommandContext['out'],
): Promise<number> {
  // Everything the person typed is checked before anything starts (no model added, no job stored).
  const formats = parseFormats(opts.format);
  const exportConfig = {
    ...(opts.imgsz ? { imgsz: inRange(opts.imgsz, '--imgsz', 'imgsz', 640) } : {}),
    ...(opts.opset ? { opset: inRange(opts.opset, '--opset', 'opset', 17) } : {}),
    ...(opts.batch ? { batch: inRange(opts.batch, '--batch', 'batch', 1) } : {}),
    ...(opts.workspace ? { workspace: inRange(opts.workspace, '--workspace', 'workspace', 4) } : {}),
    ...(opts.dynamic ? { dynamic: true } : {}),
    ...(opts.simplify === false ? { simplify: false } : {}),
  };
  if (opts.out) checkOutputFolder(opts.out, '--out');
  const model = fs.existsSync(target)
    ? await core.handle('models:add', { path: target, trustUnsafe: Boolean(opts.trustUnsafe) })
    : await findModel(core, target);
  out.note(
    `Exporting ${model.name} (${model.id}) to ${formats.join(', ')}${opts.on ? ` on ${opts.on}` : ''}`,
  );
  const requested = opts.imgsz === undefined ? NaN : Number(opts.imgsz);
  if (Number.isInteger(requested) && !imgszProblem(requested)) {
    // The trainer rounds it up and logs this same sentence; say it before the job starts.
    const { warning } = imgszRounding(requested, modelStride(model.details));
    if (warning) out.note(`warning: ${warning}`);
  }

  const view = new ProgressView();
  let jobId: string | null = null;
  const offProgress = core.on('exports:progress', (p) => {
    if (p.jobId === jobId) view.update(p.stage, p.fraction);
  });
  // A converter with its own environment (TFLite) installs on first use: say so while it does.
  const offToolchain = core.on('toolchain:progress', (p) => {
    if (p.line) view.line(`[toolchain] ${p.line}`);
  });
  const offLog = core.on('exports:log', (l) => {
    if (opts.verbose && l.jobId === jobId) view.line(l.line);
  });
  const cancel = (signal: NodeJS.Signals) => {
    view.line(`${signal}: cancelling the export…`);
    if (jobId) void core.handle('exports:cancel', { id: jobId }).catch(() => undefined);
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  let job: ExportJob;
  try {
    const created = await core.handle('exports:create', {
      modelId: model.id,
      formats,
      ...(opts.trustUnsafe ? { trustUnsafe: true } : {}),
      exportConfig,
      optimizationConfig: {
        ...(opts.half ? { half: true } : {}),
        ...(opts.int8 ? { int8: true } : {}),
        ...(opts.calib ? { calibDir: path.resolve(opts.calib) } : {}),
      },
      ...(opts.tag ? { versionTag: opts.tag } : {}),
      ...(opts.on ? { on: opts.on } : {}),
      ...(opts.data
        ? { validationData: path.resolve(opts.data), acceptNames: Boolean(opts.acceptNames) }
        : {}),
    });
    jobId = created.id;
    job = await core.handle('exports:wait', { id: created.id });
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    offProgress();
    offToolchain();
    offLog();
    view.done();
  }

  const { path: metadataPath } = await core.handle('exports:metadata', { id: job.id });
  const validation = opts.data ? (await core.handle('exports:validations', { id: job.id }))[0] : undefined;
  let copiedTo: string[] | undefined;
  if (opts.out && (job.status === 'completed' || job.status === 'partial')) {
    copiedTo = core.local.copyExport(job.id, opts.out);
  }
  out.result(
    {
      ...job,
      metadataPath,
      model: { id: model.id, name: model.name },
      ...(copiedTo ? { copiedTo } : {}),
      ...(validation ? { validation } : {}),
    },
    () =>
      [
        jobDetails(job, metadataPath),
        ...(copiedTo ? [`  copied to   ${path.resolve(opts.out!)}`] : []),
        ...(validation ? [accuracyText(validation)] : []),
      ].join('\n'),
  );
  return EXIT[job.status as keyof typeof EXIT] ?? 1;
}

function parseFormats(text: string): ExportFormat[] {
  const known = exportFormatSchema.options as readonly string[];
  const formats = text
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const unknown = formats.filter((f) => !known.includes(f));
  if (formats.length === 0 || unknown.length > 0) {
    throw new AppError(
      'UNKNOWN_FORMAT',
      formats.length === 0 ? 'No export format given.' : `Unknown export format ${unknown.join(', ')}.`,
      `Use --format with one or more of: ${known.join(', ')} (e.g. --format onnx).`,
    );
  }
  return [...new Set(formats)] as ExportFormat[];
}

/** A whole number within the contract's range for that setting (the range and an example are in the error). */
function inRange(
  text: string,
  flag: string,
  key: 'imgsz' | 'opset' | 'batch' | 'workspace',
  example: number,
): number {
  const { min, max } = exportConfigRange(key);
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError(
      'INVALID_OPTION',
      `${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}.`,
      `Give a value from ${min} to ${max}, e.g. ${flag} ${example}.${key === 'imgsz' ? ' Leave it out to export at the size the model was trained at.' : ''}`,
    );
  }
  return n;
}
