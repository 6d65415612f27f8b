import { VisionError } from './errors';
import type { OnnxModelSummary } from './onnx-proto';
import type { PyValue } from './python-literal';
import { parsePythonLiteral } from './python-literal';

export type VisionTask = 'detect' | 'segment' | 'classify' | 'pose' | 'obb';
const TASKS: readonly VisionTask[] = ['detect', 'segment', 'classify', 'pose', 'obb'];

export interface NmsDefaults {
  conf: number;
  iou: number;
  maxDet: number;
  agnostic: boolean;
}

/** Ultralytics' predictor defaults (conf 0.25, iou 0.7, max_det 300, class-aware). */
export const DEFAULT_NMS: NmsDefaults = { conf: 0.25, iou: 0.7, maxDet: 300, agnostic: false };

/** Everything pre- and post-processing need to know about a model. */
export interface ModelInfo {
  task: VisionTask;
  /** Class names by class id. */
  names: string[];
  /** Model input [height, width]. */
  imgsz: [number, number];
  stride: number;
  /** The model runs NMS itself and outputs final boxes. */
  endToEnd: boolean;
  /** [keypoints, values per keypoint] for pose models. */
  kptShape: [number, number] | null;
  padValue: number;
  nms: NmsDefaults;
  inputName: string | null;
  /** Where the facts came from, for error messages. */
  source: 'metadata.json' | 'onnx-metadata';
}

/**
 * Resolves a model's facts from its metadata.json (the export's, preferred) and/or the ONNX file's
 * metadata_props (Ultralytics writes names, imgsz, stride, task there). Names what is missing when neither has it.
 */
export function resolveModelInfo(sources: { metadataJson?: unknown; onnx?: OnnxModelSummary }): ModelInfo {
  const fromJson = sources.metadataJson === undefined ? null : fromMetadataJson(sources.metadataJson);
  const fromOnnx = sources.onnx ? fromOnnxSummary(sources.onnx) : null;
  const pick = <K extends keyof Facts>(key: K): Facts[K] =>
    fromJson?.[key] !== undefined ? fromJson[key] : fromOnnx?.[key];

  const task = pick('task');
  const names = pick('names');
  const imgsz = pick('imgsz');
  const missing = [!task && 'task', !names && 'class names', !imgsz && 'input size'].filter(Boolean);
  if (!task || !names || !imgsz) {
    throw new VisionError(
      'INVALID_MODEL_METADATA',
      `The model does not say its ${missing.join(', ')}: neither metadata.json nor the ONNX metadata has it.`,
      'Upload the metadata.json written beside the exported model, or export with Ultralytics (it embeds them).',
    );
  }
  return {
    task,
    names,
    imgsz,
    stride: pick('stride') ?? 32,
    endToEnd: pick('endToEnd') ?? false,
    kptShape: pick('kptShape') ?? null,
    padValue: pick('padValue') ?? 114,
    nms: { ...DEFAULT_NMS, ...(fromJson?.nms ?? {}) },
    inputName: pick('inputName') ?? null,
    source: fromJson ? 'metadata.json' : 'onnx-metadata',
  };
}

/** What one source says about a model; either source may leave any of it out. */
type Facts = Partial<Omit<ModelInfo, 'nms' | 'source'>>;

/** Class names by id from an ONNX metadata_props value (Ultralytics writes a Python dict: {0: 'person', …}). */
export function onnxMetadataNames(raw: string): string[] | undefined {
  return namesFrom(metadataLiteral('names', raw));
}

/** [height, width] from an ONNX metadata_props `imgsz` value ([640, 640], or one number for a square). */
export function onnxMetadataImgsz(raw: string): [number, number] | undefined {
  return sizeFrom(metadataLiteral('imgsz', raw));
}

function metadataLiteral(key: string, raw: string): PyValue {
  try {
    return parsePythonLiteral(raw);
  } catch {
    throw invalid(`ONNX metadata "${key}" is not readable: ${raw.slice(0, 60)}`);
  }
}

function fromOnnxSummary(summary: OnnxModelSummary): Facts {
  const props = summary.metadata;
  const literal = (key: string): PyValue | undefined => {
    const raw = props[key];
    return raw === undefined ? undefined : metadataLiteral(key, raw);
  };
  const input = summary.inputs[0];
  const shapeSize = input && typeof input.shape[2] === 'number' && typeof input.shape[3] === 'number';
  return {
    task: props.task !== undefined ? parseTask(props.task) : undefined,
    names: namesFrom(literal('names')),
    imgsz:
      sizeFrom(literal('imgsz')) ??
      (shapeSize ? [input.shape[2] as number, input.shape[3] as number] : undefined),
    stride: props.stride !== undefined ? Number(props.stride) : undefined,
    endToEnd: props.end2end !== undefined ? props.end2end === 'True' : undefined,
    kptShape: pairFrom(literal('kpt_shape')),
    inputName: input?.name,
  };
}

function fromMetadataJson(json: unknown): Facts & { nms: Partial<NmsDefaults> } {
  if (!isRecord(json)) throw invalid('metadata.json is not a JSON object');
  const input = isRecord(json.input) ? json.input : {};
  const shape = Array.isArray(input.shape) ? input.shape : [];
  const preprocessing = isRecord(json.preprocessing) ? json.preprocessing : {};
  const resize = isRecord(preprocessing.resize) ? preprocessing.resize : {};
  const post = isRecord(json.postprocessing) ? json.postprocessing : {};
  const decoder = isRecord(post.decoder) ? post.decoder : {};
  const nms = isRecord(post.nms) ? post.nms : {};
  const keypoints = isRecord(decoder.keypoints) ? decoder.keypoints : {};
  const shapeSize = typeof shape[2] === 'number' && typeof shape[3] === 'number';
  return {
    task: typeof json.task === 'string' ? parseTask(json.task) : undefined,
    names: namesFrom(json.names as PyValue),
    imgsz:
      sizeFrom(json.imgsz as PyValue) ?? (shapeSize ? [shape[2] as number, shape[3] as number] : undefined),
    stride:
      typeof resize.stride === 'number'
        ? resize.stride
        : typeof json.stride === 'number'
          ? json.stride
          : undefined,
    endToEnd: decoder.nms_applied === true || nms.embedded === true ? true : undefined,
    kptShape: pairFrom((keypoints.shape ?? json.kpt_shape) as PyValue),
    padValue: typeof resize.pad_value === 'number' ? resize.pad_value : undefined,
    inputName: typeof input.name === 'string' ? input.name : undefined,
    nms: {
      ...(typeof nms.conf === 'number' ? { conf: nms.conf } : {}),
      ...(typeof nms.iou === 'number' ? { iou: nms.iou } : {}),
      ...(typeof nms.max_det === 'number' ? { maxDet: nms.max_det } : {}),
      ...(typeof nms.agnostic === 'boolean' ? { agnostic: nms.agnostic } : {}),
    },
  };
}

function parseTask(value: string): VisionTask {
  if ((TASKS as readonly string[]).includes(value)) return value as VisionTask;
  throw invalid(`unknown task "${value}" (expected one of ${TASKS.join(', ')})`);
}

/** Names as a list by class id, from a list or an {id: name} mapping (Map from Python, object from JSON). */
function namesFrom(value: PyValue | Record<string, unknown> | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  const entries: [unknown, unknown][] =
    value instanceof Map ? [...value.entries()] : typeof value === 'object' ? Object.entries(value) : [];
  if (entries.length === 0) return undefined;
  const names: string[] = [];
  for (const [key, name] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= entries.length)
      throw invalid(`class id ${String(key)} is out of range`);
    names[id] = String(name);
  }
  return names;
}

function sizeFrom(value: PyValue | undefined): [number, number] | undefined {
  if (typeof value === 'number') return [value, value];
  return pairFrom(value);
}

function pairFrom(value: PyValue | undefined): [number, number] | undefined {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(why: string): VisionError {
  return new VisionError(
    'INVALID_MODEL_METADATA',
    `The model's metadata is not usable: ${why}.`,
    'Upload the metadata.json written beside the exported model, unchanged.',
  );
}
