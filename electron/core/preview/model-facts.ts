import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelInfo } from '../../../native-runtimes/typescript/model-info';
import { resolveModelInfo } from '../../../native-runtimes/typescript/model-info';
import type { OnnxModelSummary } from '../../../native-runtimes/typescript/onnx-proto';
import { readOnnxSummary } from '../../../native-runtimes/typescript/onnx-proto';
import type { ReadyModel } from '../../../native-runtimes/typescript/postprocess';
import { preprocessSpecFrom } from '../../../native-runtimes/typescript/preprocess';
import type { PreviewFact, PreviewModel } from '../../contract';
import { METADATA_FILE, metadataForModelFile } from '../../../native-runtimes/typescript/metadata';
import { AppError } from '../errors';
import { symlinkLoop } from '../file-errors';
import type { ModelAnswers } from './answers-repo';

/** An ONNX file as the preview sees it: what it is, and either how to run it or what is still missing. */
export interface OpenedModel {
  /** Changes whenever the file does (path, size, modification time). */
  key: string;
  path: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  summary: OnnxModelSummary;
  inputName: string;
  inputType: 'float32' | 'float16';
  needs: PreviewFact[];
  /** Set once nothing is missing. */
  ready: ReadyModel | null;
  source: PreviewModel['source'];
  precision: string | null;
  metadata: Record<string, unknown> | null;
}

export function fileKey(file: string, stat: fs.Stats): string {
  return `${file}|${stat.size}|${stat.mtimeMs}`;
}

/** Reads, checks and describes an ONNX model; `answers` fill in what its metadata does not say. */
export async function openModelFile(
  file: string,
  answersFor: (sha256: string) => ModelAnswers | null,
): Promise<OpenedModel> {
  const resolved = path.resolve(file);
  const stat = statModel(resolved);
  const bytes = await fs.promises.readFile(resolved);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const summary = summarise(resolved, bytes);
  const input = checkImageInput(resolved, summary);
  const sidecar = readSidecar(resolved);
  const embedded = parseEmbedded(summary.metadata['edgepack_metadata']);
  const metadata = sidecar ?? embedded;
  const answers = answersFor(sha256);
  const missing = missingFacts(metadata, summary);
  const needs = missing.filter((fact) => answers?.[fact] === undefined);
  const opened: OpenedModel = {
    key: fileKey(resolved, stat),
    path: resolved,
    name: path.basename(resolved),
    sha256,
    sizeBytes: stat.size,
    summary,
    inputName: input.name,
    inputType: input.elemType === 'FLOAT16' ? 'float16' : 'float32',
    needs,
    ready: null,
    source: sidecar
      ? 'metadata.json'
      : embedded
        ? 'embedded-metadata'
        : summary.metadata['names'] || summary.metadata['task']
          ? 'ultralytics-metadata'
          : null,
    precision: precisionOf(metadata, input.elemType),
    metadata,
  };
  if (needs.length > 0) return opened;
  const filled = missing.length > 0 && answers ? withAnswers(metadata, missing, answers) : metadata;
  if (missing.length > 0) opened.source = 'answers';
  const info = resolveModelInfo({ metadataJson: filled ?? undefined, onnx: summary });
  if (info.task === 'pose' && !info.kptShape) info.kptShape = inferKeypointShape(info, summary);
  checkOutputs(resolved, info, summary);
  const fixed = input.shape[2];
  const inputShape: [number, number] =
    typeof fixed === 'number' && typeof input.shape[3] === 'number' ? [fixed, input.shape[3]] : info.imgsz;
  const spec = preprocessSpecFrom(filled, info.task);
  opened.ready = {
    info,
    input: { task: info.task, imgsz: inputShape, padValue: spec.padValue, preprocess: spec },
    outputNames: summary.outputs.map((o) => o.name),
  };
  return opened;
}

export function toPreviewModel(model: OpenedModel): PreviewModel {
  const info = model.ready?.info;
  const input = model.summary.inputs[0]!;
  return {
    path: model.path,
    name: model.name,
    sha256: model.sha256,
    sizeBytes: model.sizeBytes,
    task: info && info.task !== 'obb' ? info.task : null,
    names: info?.names ?? [],
    imgsz: model.ready?.input.imgsz ?? null,
    source: model.source,
    needs: model.needs,
    precision: model.precision,
    input: { name: input.name, shape: input.shape, type: input.elemType },
    outputs: model.summary.outputs.map((o) => ({ name: o.name, shape: o.shape })),
    defaults: info?.nms ?? { conf: 0.25, iou: 0.7, maxDet: 300, agnostic: false },
  };
}

function statModel(file: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkLoop(file);
    throw new AppError(
      'MODEL_FILE_NOT_FOUND',
      `No model file at ${file}.`,
      'Check the path, or pick an exported .onnx file.',
    );
  }
  if (stat.isDirectory()) {
    throw new AppError(
      'MODEL_FILE_NOT_FOUND',
      `${file} is a folder, not a model file.`,
      'Give the .onnx file inside it (an export folder holds model.onnx and metadata.json).',
    );
  }
  return stat;
}

function summarise(file: string, bytes: Uint8Array): OnnxModelSummary {
  const name = path.basename(file);
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  try {
    if (isZip) throw new Error('zip');
    return readOnnxSummary(bytes);
  } catch {
    throw new AppError(
      'NOT_AN_ONNX_MODEL',
      isZip
        ? `${name} is a PyTorch checkpoint (or another zip archive), not an ONNX model.`
        : `${name} is not an ONNX model: its bytes do not parse as one.`,
      isZip
        ? 'Export the checkpoint to ONNX first (Export page, or `npx edgepack export <file> --format onnx`), then preview the .onnx file.'
        : 'Preview the model.onnx an export wrote; if this was one, it is damaged — export again.',
    );
  }
}

function checkImageInput(file: string, summary: OnnxModelSummary) {
  const inputs = summary.inputs;
  const input = inputs[0];
  const describe = (i: (typeof inputs)[number]) => `"${i.name}" [${i.shape.join(', ')}] ${i.elemType}`;
  const channels = input?.shape[1];
  const imageLike =
    inputs.length === 1 &&
    input !== undefined &&
    input.shape.length === 4 &&
    (input.elemType === 'FLOAT' || input.elemType === 'FLOAT16') &&
    (typeof channels !== 'number' || channels === 3);
  if (!imageLike) {
    throw new AppError(
      'MODEL_INPUT_NOT_IMAGE',
      `${path.basename(file)} does not take an image: its input${inputs.length === 1 ? ' is' : 's are'} ${
        inputs.length ? inputs.map(describe).join(', ') : 'missing'
      }, where the preview feeds one [1, 3, height, width] float tensor.`,
      'The preview runs image models (detect, segment, classify, pose) with one RGB image input, as Ultralytics exports them.',
    );
  }
  return input;
}

function readSidecar(file: string): Record<string, unknown> | null {
  const candidate = path.join(path.dirname(file), METADATA_FILE);
  if (!fs.existsSync(candidate)) return null;
  try {
    const json = JSON.parse(fs.readFileSync(candidate, 'utf8')) as unknown;
    // This model's document: an export's metadata.json describes each of its formats' files; one describing only
    // other files of the folder is not this model's.
    return metadataForModelFile(json, path.basename(file));
  } catch {
    throw new AppError(
      'INVALID_MODEL_METADATA',
      `${candidate} beside the model is not valid JSON.`,
      'Restore the metadata.json the export wrote, or remove it to be asked for the model facts instead.',
    );
  }
}

function parseEmbedded(text: string | undefined): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const json = JSON.parse(text) as unknown;
    return isRecord(json) ? json : null;
  } catch {
    return null;
  }
}

/** The facts neither metadata.json nor the ONNX file's own metadata (nor a fixed input shape) give. */
function missingFacts(metadata: Record<string, unknown> | null, summary: OnnxModelSummary): PreviewFact[] {
  const props = summary.metadata;
  const input = summary.inputs[0];
  const jsonInput = isRecord(metadata?.['input']) ? (metadata['input'] as Record<string, unknown>) : {};
  const jsonShape = Array.isArray(jsonInput['shape']) ? (jsonInput['shape'] as unknown[]) : [];
  const hasNames = (v: unknown) =>
    (Array.isArray(v) && v.length > 0) || (isRecord(v) && Object.keys(v).length > 0);
  const missing: PreviewFact[] = [];
  if (typeof metadata?.['task'] !== 'string' && !props['task']) missing.push('task');
  if (!hasNames(metadata?.['names']) && !props['names']) missing.push('names');
  const fixed = typeof input?.shape[2] === 'number' && typeof input.shape[3] === 'number';
  const jsonSize = metadata?.['imgsz'] !== undefined || typeof jsonShape[2] === 'number';
  if (!fixed && !jsonSize && !props['imgsz']) missing.push('imgsz');
  return missing;
}

function withAnswers(
  metadata: Record<string, unknown> | null,
  missing: PreviewFact[],
  answers: ModelAnswers,
): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...(metadata ?? {}) };
  if (missing.includes('task')) filled['task'] = answers.task;
  if (missing.includes('names')) filled['names'] = answers.names;
  if (missing.includes('imgsz')) filled['imgsz'] = answers.imgsz;
  return filled;
}

function checkOutputs(file: string, info: ModelInfo, summary: OnnxModelSummary): void {
  const first = summary.outputs[0];
  const rank = first?.shape.length ?? 0;
  const fail = (why: string) =>
    new AppError(
      'UNSUPPORTED_MODEL_OUTPUT',
      `${path.basename(file)} says it is a ${info.task} model, but ${why}.`,
      'Check the task given for this model, or export it again with Ultralytics.',
    );
  if (info.task === 'obb') throw fail('oriented boxes are not previewed yet');
  if (!first) throw fail('it has no output');
  if (info.task === 'classify' && rank !== 2)
    throw fail(`its output is [${first.shape.join(', ')}], not [1, classes]`);
  if (info.task !== 'classify' && rank !== 3)
    throw fail(`its output is [${first.shape.join(', ')}], not [1, channels, anchors]`);
  if (info.task === 'segment' && summary.outputs[1]?.shape.length !== 4)
    throw fail('it has no second output holding mask prototypes [1, 32, h, w]');
  if (info.task === 'pose' && !info.kptShape) throw fail('its metadata has no keypoint shape (kpt_shape)');
}

/** x, y, visibility per keypoint (else x, y) in the channels after the class scores of [1, channels, anchors]. */
function inferKeypointShape(info: ModelInfo, summary: OnnxModelSummary): [number, number] | null {
  const channels = summary.outputs[0]?.shape[1];
  if (typeof channels !== 'number') return null;
  const extra = channels - 4 - info.names.length;
  if (extra > 0 && extra % 3 === 0) return [extra / 3, 3];
  if (extra > 0 && extra % 2 === 0) return [extra / 2, 2];
  return null;
}

function precisionOf(metadata: Record<string, unknown> | null, elemType: string): string | null {
  const quantization = isRecord(metadata?.['quantization'])
    ? (metadata['quantization'] as Record<string, unknown>)
    : null;
  if (typeof quantization?.['precision'] === 'string') return quantization['precision'];
  return elemType === 'FLOAT16' ? 'fp16' : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
