import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import type { AppErrorShape, PreviewModel, PreviewOptions, PreviewResult } from '../../contract';
import { AppError, toAppError, type LocalCore } from '../../core';
import { checkOutputFolder, findExport, withCore, type CommandContext } from '../context';
import { ProgressView } from '../progress';
import { isDetection, isServableTask, SERVABLE_TASKS } from '../../contract';

interface PredictOptions {
  conf?: string;
  iou?: string;
  maxDet?: string;
  agnostic?: boolean;
  classes?: string;
  top?: string;
  task?: string;
  names?: string;
  imgsz?: string;
  save?: string;
}

type ImageOutcome = PreviewResult | { image: { path: string; name: string }; error: AppErrorShape };

export function registerPredict(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('predict <model> <images...>')
    .description('run an ONNX model (a file or an export id) on images or folders, as the playground does')
    .option('--conf <n>', 'confidence threshold, 0–1 (default: the model’s, else 0.25)')
    .option('--iou <n>', 'NMS IoU threshold, 0–1 (default: the model’s, else 0.7)')
    .option('--max-det <n>', 'most detections per image (default 300)')
    .option('--agnostic', 'class-agnostic NMS')
    .option('--classes <ids>', 'keep only these class ids, e.g. 0,2')
    .option('--top <k>', 'classification: how many classes to list (default 5)')
    .option(
      '--task <task>',
      `for an ONNX file that does not say it: ${SERVABLE_TASKS.join(', ')} (remembered)`,
    )
    .option(
      '--names <names>',
      'for an ONNX file that does not say them: class names, comma-separated, or a file with one per line',
    )
    .option(
      '--imgsz <size>',
      'for an ONNX file that does not say it: input size, e.g. 640 or 480,640 (height,width)',
    )
    .option('--save <dir>', 'write annotated images into this folder')
    .option('--json', 'print one JSON document')
    .action(async (model: string, images: string[], opts: PredictOptions) => {
      const { out } = ctx();
      done(await withCore((core) => runPredict(core, model, images, opts, out)));
    });
}

async function runPredict(
  core: LocalCore,
  modelArg: string,
  inputs: string[],
  opts: PredictOptions,
  out: CommandContext['out'],
): Promise<number> {
  // What the person typed is checked before any image is read.
  const options = parseOptions(opts);
  if (opts.save) checkOutputFolder(opts.save, '--save');
  const modelPath = await resolveModelPath(core, modelArg);
  let model = await core.handle('preview:open', { path: modelPath });
  if (opts.task || opts.names || opts.imgsz)
    model = await core.handle('preview:describe', parseAnswers(modelPath, opts));
  if (model.needs.length > 0 && !out.json && process.stdin.isTTY && process.stderr.isTTY) {
    model = await core.handle('preview:describe', parseAnswers(modelPath, await askFacts(model)));
  }
  if (model.needs.length > 0) throw missingFacts(model);
  const { files, skipped } = core.local.expandImages(inputs);
  if (files.length === 0) {
    throw new AppError(
      'NO_IMAGES',
      skipped ? `None of the ${skipped} files found is an image.` : 'No images were given.',
      'Give image files (JPEG, PNG, WebP, GIF, TIFF, AVIF) or folders holding some.',
    );
  }
  if (skipped) out.note(`Skipping ${skipped} files that are not images.`);

  let cancelled = false;
  const cancel = () => {
    cancelled = true;
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  const view = new ProgressView();
  const started = performance.now();
  const results: ImageOutcome[] = [];
  const saved: string[] = [];
  const taken = new Set<string>();
  try {
    for (const [index, file] of files.entries()) {
      if (cancelled) break;
      if (files.length > 1)
        view.update(`${index + 1}/${files.length} ${path.basename(file)}`, index / files.length);
      try {
        // Each image is read once: no raw outputs (nor libvips' decoded pixels) are kept for it.
        const result = await core.handle('preview:predict', {
          model: modelPath,
          image: file,
          options,
          keepOutputs: false,
          next: files[index + 1],
        });
        results.push(result);
        if (opts.save) saved.push(await core.local.saveAnnotated(result, opts.save, taken));
      } catch (error) {
        const e = toAppError(error);
        results.push({ image: { path: file, name: path.basename(file) }, error: e.toJSON() });
        if (!out.json)
          view.line(
            `${path.basename(file)}: error ${e.code}: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`,
          );
      }
    }
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    view.done();
  }
  const failed = results.filter((r) => 'error' in r).length;
  const summary = {
    images: files.length,
    predicted: results.length - failed,
    failed,
    cancelled,
    elapsedMs: performance.now() - started,
  };
  out.result({ model, results, ...(opts.save ? { saved } : {}), summary }, () =>
    [
      `${model.name}  ${model.task} · ${model.names.length} classes · input ${model.imgsz?.join('×')}`,
      ...results.filter((r): r is PreviewResult => !('error' in r)).map(resultText),
      ...(opts.save ? [`Annotated images written to ${path.resolve(opts.save)}`] : []),
      `${summary.predicted} of ${files.length} images predicted${failed ? `, ${failed} failed` : ''}${cancelled ? ' (cancelled)' : ''}.`,
    ].join('\n'),
  );
  if (cancelled) return 130;
  if (failed === files.length) return 1;
  return failed > 0 ? 3 : 0;
}

function resultText(r: PreviewResult): string {
  const t = r.timings;
  const timing = r.reused
    ? `postprocess ${t.postprocess.toFixed(1)} ms`
    : `decode ${t.decode.toFixed(1)} · preprocess ${t.preprocess.toFixed(1)} · inference ${t.inference.toFixed(1)} · postprocess ${t.postprocess.toFixed(1)} ms${t.load >= 1 ? ` (+ session creation ${t.load.toFixed(0)} ms)` : ''}`;
  const head = `\n${r.image.name}  ${r.image.width}×${r.image.height}  ${
    r.task === 'classify'
      ? `top ${r.predictions.length}`
      : `${r.predictions.length} ${r.predictions.length === 1 ? 'object' : 'objects'}`
  }  (${timing})`;
  const notes = r.notices.map((n) => `  note: ${n.message}`);
  const rows = r.predictions.map((p) =>
    isDetection(p)
      ? `  ${p.class.padEnd(16)} ${p.confidence.toFixed(3)}  [${p.bbox.map((v) => v.toFixed(1)).join(', ')}]${
          p.keypoints ? `  ${p.keypoints.length} keypoints` : ''
        }${p.mask ? '  mask' : ''}`
      : `  ${p.class.padEnd(16)} ${p.confidence.toFixed(4)}`,
  );
  return [head, ...notes, ...rows].join('\n');
}

/** A path to an ONNX file, or an export's id (its ONNX file). */
async function resolveModelPath(core: LocalCore, arg: string): Promise<string> {
  if (fs.existsSync(arg)) return path.resolve(arg);
  const job = await findExport(core, arg);
  const onnx = job.results.find((r) => r.format === 'onnx' && r.path);
  if (!onnx?.path) {
    throw new AppError(
      'NO_ONNX_EXPORT',
      `Export ${job.id} has no ONNX file.`,
      'The preview runs ONNX files; export the model with --format onnx.',
    );
  }
  return onnx.path;
}

function parseOptions(opts: PredictOptions): PreviewOptions {
  const options: PreviewOptions = {};
  if (opts.conf !== undefined) options.conf = fraction(opts.conf, '--conf');
  if (opts.iou !== undefined) options.iou = fraction(opts.iou, '--iou');
  if (opts.maxDet !== undefined) options.maxDet = whole(opts.maxDet, '--max-det', 1, 10_000);
  if (opts.agnostic) options.agnostic = true;
  if (opts.classes !== undefined)
    options.classes = opts.classes.split(',').map((c) => whole(c.trim(), '--classes', 0));
  if (opts.top !== undefined) options.topK = whole(opts.top, '--top', 1, 100);
  return options;
}

function parseAnswers(modelPath: string, opts: PredictOptions) {
  const task = opts.task?.trim().toLowerCase();
  if (task !== undefined && !isServableTask(task)) {
    throw invalidOption(
      `--task must be one of ${SERVABLE_TASKS.join(', ')}, not ${JSON.stringify(opts.task)}.`,
      '--task detect',
    );
  }
  let names: string[] | undefined;
  if (opts.names !== undefined) {
    const text = fs.existsSync(opts.names) ? fs.readFileSync(opts.names, 'utf8') : opts.names;
    names = text
      .split(fs.existsSync(opts.names) ? /\r?\n/ : ',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) throw invalidOption('--names gave no class names.', '--names person,car,dog');
  }
  let imgsz: number[] | undefined;
  if (opts.imgsz !== undefined) {
    imgsz = opts.imgsz.split(/[,x×]/).map((v) => whole(v.trim(), '--imgsz', 16, 4096));
    if (imgsz.length > 2) throw invalidOption('--imgsz takes one size or height,width.', '--imgsz 640');
  }
  return { path: modelPath, task, names, imgsz };
}

/** Asks on the terminal for what the model does not say (the answers are remembered like the flags'). */
async function askFacts(model: PreviewModel): Promise<PredictOptions> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(
      `${model.name} does not say everything the preview needs; Edgepack remembers the answers.\n`,
    );
    const answers: PredictOptions = {};
    if (model.needs.includes('task'))
      answers.task = await rl.question(`Task (${SERVABLE_TASKS.join(', ')}): `);
    if (model.needs.includes('names'))
      answers.names = await rl.question('Class names, comma-separated, in class-id order: ');
    if (model.needs.includes('imgsz'))
      answers.imgsz = await rl.question('Input size in pixels (e.g. 640 or 480,640): ');
    return answers;
  } finally {
    rl.close();
  }
}

function missingFacts(model: PreviewModel): AppError {
  const flags = {
    task: `--task <${SERVABLE_TASKS.join('|')}>`,
    names: '--names a,b,c',
    imgsz: '--imgsz <size>',
  };
  const words = { task: 'its task', names: 'its class names', imgsz: 'its input size' };
  return new AppError(
    'MODEL_FACTS_NEEDED',
    `${model.name} does not say ${model.needs.map((n) => words[n]).join(', ')}.`,
    `Pass ${model.needs.map((n) => flags[n]).join(' ')}; Edgepack remembers the answers for this file.`,
  );
}

function fraction(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw invalidOption(`${flag} must be between 0 and 1, not ${JSON.stringify(text)}.`, `${flag} 0.25`);
  return n;
}

/** The contract's bounds, checked here so a wrong flag is named (and not refused once per image). */
function whole(text: string, flag: string, min = 1, max = Infinity): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw invalidOption(
      `${flag} must be a whole number ≥ ${min}, not ${JSON.stringify(text)}.`,
      `${flag} ${Math.max(min, 1)}`,
    );
  if (n > max) throw invalidOption(`${flag} must be at most ${max}, not ${n}.`, `${flag} ${max}`);
  return n;
}

function invalidOption(message: string, example: string): AppError {
  return new AppError('INVALID_OPTION', message, `e.g. ${example}`);
}
