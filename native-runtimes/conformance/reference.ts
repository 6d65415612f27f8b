// The reference's answers for the other runtimes' tests (`node bin/run-ts.mjs native-runtimes/conformance/reference.ts`):
//   postprocess --metadata M --image I --outputs a.bin[,b.bin] [--format F] [--conf C] [--iou U] [--max-det N]
//               [--agnostic] [--classes 0,2] [--top-k K] [--json]
//     the reference's predictions for raw outputs another runtime produced (little-endian, C order, shaped and typed
//     as metadata.json's `outputs` of format F, default onnx), e.g. an OpenVINO or TFLite back end's own.
//   preprocess --metadata M --image I [--format F] [--tensor-out FILE] [--json]
//     the decoded size and pixels' SHA-256, the placement and the input tensor's SHA-256 (and its bytes, to FILE).
// Exit 0 with the answer on stdout; 2 on a usage error, 1 when an input is unusable (the message says which and why).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { placement, postprocessOutputs } from '../typescript/conformance-case';
import { sha256Hex, tensorBytes, tensorFromBytes } from '../typescript/conformance-format';
import { openConformanceModel, type ConformanceModel } from '../typescript/conformance-model';
import { decodeImage } from '../typescript/decode';
import { isVisionError } from '../typescript/errors';
import { inputTensor } from '../typescript/io-tensors';
import type { PostprocessOptions, Prediction } from '../typescript/predictions';
import { inputTransformFor, prepareInput } from '../typescript/preprocess';

const USAGE =
  'usage: reference.ts postprocess --metadata M --image I --outputs a.bin[,b.bin] [--format F] [--conf C] [--iou U]\n' +
  '                    [--max-det N] [--agnostic] [--classes 0,2] [--top-k K] [--json]\n' +
  '       reference.ts preprocess --metadata M --image I [--format F] [--tensor-out FILE] [--json]';

class UsageError extends Error {}

const OPTIONS = {
  metadata: { type: 'string' },
  image: { type: 'string' },
  outputs: { type: 'string' },
  format: { type: 'string' },
  conf: { type: 'string' },
  iou: { type: 'string' },
  'max-det': { type: 'string' },
  agnostic: { type: 'boolean' },
  classes: { type: 'string' },
  'top-k': { type: 'string' },
  'tensor-out': { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function required(values: Values, name: 'metadata' | 'image' | 'outputs'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required.`);
  return value;
}

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new Error(`The ${what} ${file} cannot be read: check the path.`);
  }
}

function openModel(values: Values): ConformanceModel {
  const file = required(values, 'metadata');
  let metadata: unknown;
  try {
    metadata = JSON.parse(readFile(file, 'metadata.json').toString('utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
  return openConformanceModel({ path: file, metadata, format: values.format });
}

function number(values: Values, name: 'conf' | 'iou' | 'max-det' | 'top-k'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, not "${text}".`);
  return value;
}

function postprocessOptions(values: Values): PostprocessOptions {
  const classes = values.classes?.split(',').map((c) => {
    const id = Number(c);
    if (!Number.isInteger(id) || id < 0)
      throw new UsageError(`--classes takes class ids like 0,2; "${c}" is not one.`);
    return id;
  });
  const options: PostprocessOptions = {
    conf: number(values, 'conf'),
    iou: number(values, 'iou'),
    maxDet: number(values, 'max-det'),
    agnostic: values.agnostic,
    classes,
    topK: number(values, 'top-k'),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

async function postprocessCommand(values: Values): Promise<unknown> {
  const model = openModel(values);
  const files = required(values, 'outputs').split(',');
  if (files.length !== model.outputs.length) {
    throw new UsageError(
      `--outputs has ${files.length} file(s); the model has ${model.outputs.length} output(s): ${model.outputs.map((o) => o.name).join(', ')}.`,
    );
  }
  const raw = model.outputs.map((output, i) => {
    const shape = output.shape.map((d) => {
      if (typeof d !== 'number')
        throw new Error(`metadata.json gives output "${output.name}" a symbolic dimension "${d}".`);
      return d;
    });
    return tensorFromBytes(new Uint8Array(readFile(files[i]!, 'raw output')), { ...output, shape });
  });
  const decoded = await decodeImage(readFile(required(values, 'image'), 'image'));
  const transform = inputTransformFor(decoded.width, decoded.height, model.ready.input);
  const result = postprocessOutputs(model, transform, decoded, raw, postprocessOptions(values));
  return {
    predictions: result.predictions,
    options: {
      conf: result.options.conf,
      iou: result.options.iou,
      max_det: result.options.maxDet,
      agnostic: result.options.agnostic,
    },
  };
}

async function preprocessCommand(values: Values): Promise<unknown> {
  const model = openModel(values);
  const decoded = await decodeImage(readFile(required(values, 'image'), 'image'));
  const prepared = prepareInput(decoded, model.ready.input);
  const bytes = tensorBytes(inputTensor(prepared.tensor, [...prepared.dims], model.inputType));
  if (values['tensor-out']) fs.writeFileSync(values['tensor-out'], bytes);
  return {
    decoded: { width: decoded.width, height: decoded.height, sha256: sha256Hex(decoded.data) },
    preprocess: placement(prepared, model.ready.input.padValue),
    input: { name: model.inputName, shape: prepared.dims, dtype: model.inputType, sha256: sha256Hex(bytes) },
  };
}

function describe(answer: unknown): string {
  const predictions = (answer as { predictions?: Prediction[] }).predictions;
  if (!predictions) return JSON.stringify(answer, null, 2);
  return predictions
    .map((p) => `${p.class} ${p.confidence}${'bbox' in p ? ` [${p.bbox.join(', ')}]` : ''}`)
    .join('\n');
}

async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    const command = positionals[0];
    if (command !== 'postprocess' && command !== 'preprocess') {
      throw new UsageError(command ? `Unknown command "${command}".` : 'Give a command.');
    }
    const answer =
      command === 'postprocess' ? await postprocessCommand(values) : await preprocessCommand(values);
    console.log(values.json ? JSON.stringify(answer) : describe(answer));
    return 0;
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const hint = isVisionError(error) ? ` ${error.hint}` : '';
    console.error(`${(error as Error).message}${hint}${usage ? `\n${USAGE}` : ''}`);
    return usage ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
