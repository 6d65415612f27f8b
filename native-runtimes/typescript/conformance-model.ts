/**
 * A model as the conformance vectors use it: its facts read once (metadata.json's document of a format, then the
 * ONNX file's own, as the preview reads them), and its ONNX Runtime session — the preview's options — opened on first
 * use. Without the ONNX file (another format's raw outputs to check) the facts come from metadata.json alone.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorDtype } from './conformance-format';
import { VisionError } from './errors';
import type { WireTensor } from './io-tensors';
import { metadataForFormat } from './metadata';
import { resolveModelInfo } from './model-info';
import { readOnnxSummary, type OnnxModelSummary } from './onnx-proto';
import type { ReadyModel } from './postprocess';
import { preprocessSpecFrom } from './preprocess';
import { loadOnnxRuntime } from './onnxruntime';
import { PREVIEW_SESSION_OPTIONS } from './session-options';

/** A model as the vectors hold it: its ONNX bytes, its metadata.json and the folder case.json names. */
export interface ConformanceModelSource {
  /** Relative to the vectors' folder, e.g. `models/detect` (also how errors name the model). */
  path: string;
  /** The ONNX file; without it the facts come from metadata.json alone and the model cannot be run. */
  onnx?: Uint8Array;
  /** The parsed metadata.json (an export's: the document of `format` is used). */
  metadata: unknown;
  /** The Edgepack format whose document describes the model (default onnx). */
  format?: string;
}

/** One model output: its name, shape and element type. */
export interface OutputSpec {
  name: string;
  shape: (number | string)[];
  dtype: TensorDtype;
}

/** A model read and checked once for all its cases; its ONNX Runtime session is opened on first use. */
export interface ConformanceModel {
  path: string;
  ready: ReadyModel;
  inputName: string;
  inputType: TensorDtype;
  outputs: OutputSpec[];
  run(feed: WireTensor): Promise<WireTensor[]>;
  release(): Promise<void>;
}

/** Reads the model's facts as the preview does (metadata.json's document of the format, then the ONNX file's own). */
export function openConformanceModel(source: ConformanceModelSource): ConformanceModel {
  const format = source.format ?? 'onnx';
  const document = metadataForFormat(source.metadata, format);
  if (!document) {
    throw new VisionError(
      'INVALID_MODEL_METADATA',
      `The metadata.json of ${source.path} describes no ${format} model (no "${format}" format in it).`,
      `Give the metadata.json that the ${format} export wrote beside its model.`,
    );
  }
  const onnx = source.onnx;
  const summary = onnx ? readOnnxSummary(onnx) : undefined;
  const info = resolveModelInfo({ metadataJson: document, onnx: summary });
  const io = summary ? ioFromOnnx(summary, source.path) : ioFromMetadata(document, source.path);
  const [, , height, width] = io.inputShape;
  const imgsz: [number, number] =
    typeof height === 'number' && typeof width === 'number' ? [height, width] : info.imgsz;
  const spec = preprocessSpecFrom(document, info.task);
  const outputNames = io.outputs.map((o) => o.name);
  let session: Promise<InferenceSession> | null = null;
  return {
    path: source.path,
    ready: {
      info,
      input: { task: info.task, imgsz, padValue: spec.padValue, preprocess: spec },
      outputNames,
    },
    inputName: io.inputName,
    inputType: io.inputType,
    outputs: io.outputs,
    async run(feed) {
      if (!onnx) {
        throw new VisionError(
          'INVALID_MODEL_FILE',
          `No ONNX file was given for ${source.path}, so the reference cannot run it.`,
          'Give model.onnx, or give the raw outputs to post-process.',
        );
      }
      session ??= loadOnnxRuntime().then((ort) => ort.InferenceSession.create(onnx, PREVIEW_SESSION_OPTIONS));
      return runSession(await session, io.inputName, feed, outputNames);
    },
    async release() {
      if (session) await (await session).release();
      session = null;
    },
  };
}

/** A model's input and outputs: names, shapes (a string for a symbolic dimension) and element types. */
interface ModelIo {
  inputName: string;
  inputType: TensorDtype;
  inputShape: (number | string)[];
  outputs: OutputSpec[];
}

function ioFromOnnx(summary: OnnxModelSummary, where: string): ModelIo {
  const input = summary.inputs[0];
  if (!input)
    throw new VisionError(
      'INVALID_MODEL_FILE',
      `The ONNX model of ${where} has no input.`,
      'Export it again.',
    );
  const dtype = (elemType: string): TensorDtype => (elemType === 'FLOAT16' ? 'float16' : 'float32');
  return {
    inputName: input.name,
    inputType: dtype(input.elemType),
    inputShape: input.shape,
    outputs: summary.outputs.map((o) => ({ name: o.name, shape: o.shape, dtype: dtype(o.elemType) })),
  };
}

/** The same from metadata.json's `input` and `outputs` (what a model of another format is described by). */
function ioFromMetadata(document: Record<string, unknown>, where: string): ModelIo {
  const missing = (field: string) =>
    new VisionError(
      'INVALID_MODEL_METADATA',
      `The metadata.json of ${where} has no usable "${field}" (name, shape and dtype of each tensor).`,
      'Give the metadata.json the export wrote, unchanged.',
    );
  const tensor = (value: unknown, field: string): OutputSpec => {
    const t = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof t.name !== 'string' || !Array.isArray(t.shape)) throw missing(field);
    return {
      name: t.name,
      shape: t.shape as (number | string)[],
      dtype: t.dtype === 'float16' ? 'float16' : 'float32',
    };
  };
  const input = tensor(document.input, 'input');
  if (!Array.isArray(document.outputs) || document.outputs.length === 0) throw missing('outputs');
  return {
    inputName: input.name,
    inputType: input.dtype,
    inputShape: input.shape,
    outputs: document.outputs.map((o, i) => tensor(o, `outputs[${i}]`)),
  };
}

async function runSession(
  session: InferenceSession,
  inputName: string,
  feed: WireTensor,
  outputNames: string[],
): Promise<WireTensor[]> {
  const ort = await loadOnnxRuntime();
  const data = feed.type === 'float16' ? new Uint16Array(feed.data) : new Float32Array(feed.data);
  const results = await session.run({ [inputName]: new ort.Tensor(feed.type as 'float32', data, feed.dims) });
  return outputNames.map((outputName) => {
    const tensor = results[outputName];
    if (!tensor) {
      throw new VisionError(
        'UNSUPPORTED_MODEL_OUTPUT',
        `The model gave no "${outputName}" output.`,
        'Export it again.',
      );
    }
    const values = tensor.data as Float32Array | Uint16Array;
    return { type: tensor.type, data: values.slice().buffer, dims: [...tensor.dims] };
  });
}
