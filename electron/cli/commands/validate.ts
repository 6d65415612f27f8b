import type { Command } from 'commander';
import readline from 'node:readline/promises';
import {
  mainFigure,
  type AccuracyGate,
  type AccuracyFigures,
  type AccuracyRow,
  type ExportValidation,
} from '../../contract';
import { toAppError, type LocalCore } from '../../core';
import { findExport, withCore, type CommandContext } from '../context';
import { gateText, parseMaxDrop } from '../accuracy-gate';
import { table } from '../format';
import { ProgressView } from '../progress';

interface ValidateOptions {
  data: string;
  acceptNames?: boolean;
  formats?: string;
  maxDrop?: string;
}

export const DATA_HELP =
  'labelled validation data: a data.yaml (its val split), a folder with images/ + labels/, or class sub-folders';
export const ACCEPT_NAMES_HELP =
  "the dataset's class names differ from the model's but name the same classes in the same order";

/** completed 0, partial (cancelled, figures kept) 130, a format that could not be validated 3, failed on accuracy 4. */
export function validationExitCode(v: ExportValidation, gate: AccuracyGate): number {
  if (v.status === 'partial') return 130;
  if (v.rows.some((r) => r.error)) return 3;
  return gate.failures.some((f) => !f.override) ? 4 : 0;
}

export function registerValidate(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('validate <export>')
    .description(
      'accuracy of an export (each format that runs here, and its checkpoint) on your labelled data, as `yolo val` computes it',
    )
    .requiredOption('--data <path>', DATA_HELP)
    .option('--accept-names', ACCEPT_NAMES_HELP)
    .option(
      '--formats <ids>',
      'only these, comma-separated: format ids, and pytorch for the checkpoint (default: all of them)',
    )
    .option(
      '--max-drop <points>',
      'fail a format whose mAP (top-1 for classify) drops more than this many points below the PyTorch original; kept for later runs (off: no threshold)',
    )
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: ValidateOptions) => {
      const { out } = ctx();
      done(await withCore((core) => runValidate(core, id, opts, out)));
    });
}

async function runValidate(
  core: LocalCore,
  id: string,
  opts: ValidateOptions,
  out: CommandContext['out'],
): Promise<number> {
  const job = await findExport(core, id);
  if (opts.maxDrop !== undefined) {
    await core.handle('settings:setAccuracyThreshold', { maxDropPoints: parseMaxDrop(opts.maxDrop) });
  }
  out.note(`Validating export v${job.version} (${job.id}) on ${opts.data}`);
  const view = new ProgressView();
  const offProgress = core.on('exports:validationProgress', (p) => {
    if (p.exportId === job.id) view.update(p.stage, p.fraction);
  });
  const cancel = (signal: NodeJS.Signals) => {
    view.line(`${signal}: stopping; the figures measured so far are kept…`);
    void core.handle('exports:cancelValidation', { id: job.id }).catch(() => undefined);
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  let validation: ExportValidation;
  try {
    const formats = opts.formats
      ?.split(',')
      .map((f) => f.trim().toLowerCase())
      .filter(Boolean);
    const request = {
      id: job.id,
      data: opts.data,
      acceptNames: Boolean(opts.acceptNames),
      ...(formats?.length ? { formats } : {}),
    };
    validation = await core.handle('exports:validate', request).catch(async (error: unknown) => {
      if (!(await confirmNames(error, out, view))) throw error;
      return core.handle('exports:validate', { ...request, acceptNames: true });
    });
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    offProgress();
    view.done();
  }
  const gate = await core.handle('exports:accuracyGate', { id: job.id });
  out.result({ ...validation, gate }, () =>
    [accuracyText(validation), gateText(gate)].filter(Boolean).join('\n'),
  );
  return validationExitCode(validation, gate);
}

/**
 * The dataset names its classes differently but with as many as the model: on a terminal, the person may confirm
 * that class i is the same class in both (the model's names are used). Anything else is not asked.
 */
export async function confirmNames(
  error: unknown,
  out: CommandContext['out'],
  view: ProgressView,
): Promise<boolean> {
  const e = toAppError(error);
  if (e.code !== 'CLASS_NAMES_MISMATCH' || !e.hint.includes('--accept-names')) return false;
  if (out.json || !process.stdin.isTTY || !process.stderr.isTTY) return false;
  view.line(e.message);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      'Is class i the same class in both (validate with the model’s names)? [y/N] ',
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

const pct = (v: number | undefined) => (v === undefined ? '–' : (100 * v).toFixed(1));

function columns(f: AccuracyFigures | null): string[] {
  if (!f) return [];
  if (f.top1 !== undefined) return [pct(f.top1), pct(f.top5)];
  return (['box', 'mask', 'keypoints'] as const)
    .filter((k) => f[k])
    .flatMap((k) => [pct(f[k]!.map50_95), pct(f[k]!.map50)]);
}

function header(f: AccuracyFigures | null): string[] {
  if (!f) return [];
  if (f.top1 !== undefined) return ['top-1', 'top-5'];
  const label = { box: 'box', mask: 'mask', keypoints: 'pose' } as const;
  return (['box', 'mask', 'keypoints'] as const)
    .filter((k) => f[k])
    .flatMap((k) => [`${label[k]} mAP50-95`, `${label[k]} mAP50`]);
}

/** One line per model file: its figures (in %) and the drop against the PyTorch original, in points. */
export function accuracyText(v: ExportValidation): string {
  const reference = v.rows.find((r) => r.format === 'pytorch');
  const shape = v.rows.find((r) => r.figures)?.figures ?? null;
  const drop = (r: AccuracyRow) => {
    const ours = mainFigure(r.figures);
    const base = mainFigure(reference?.figures);
    if (r === reference || ours === null || base === null) return '';
    return (100 * (ours - base)).toFixed(1);
  };
  const rows = v.rows.map((r) => [
    r.format,
    r.precision,
    ...(r.figures ? columns(r.figures) : header(shape).map(() => '–')),
    drop(r),
    `${r.images}${r.partial ? ' (partial)' : ''}`,
    r.error ?? '',
  ]);
  const heading = `Accuracy on ${v.dataset} (${v.images} images, ${v.task ?? 'unknown task'}): ${v.status}`;
  return [
    heading,
    table(['format', 'precision', ...header(shape), 'Δ vs PyTorch', 'images', 'error'], rows),
  ].join('\n');
}
