import { createHash } from 'node:crypto';
import type { ModelInfo, OnnxModelSummary } from '@edgepack/runtime';
import { readOnnxSummary, resolveModelInfo } from '@edgepack/runtime';
import { preprocessSpecFrom } from '@edgepack/runtime/preprocess';
import { isServableTask } from '@edgepack/runtime/tasks';
import { metadataForFormat } from '@edgepack/runtime/metadata';
import type { ServingFacts } from '../store/types';
import { PlatformError } from './errors';

export interface ModelPackage {
  onnx: Uint8Array;
  metadataJson: unknown;
  summary: OnnxModelSummary;
  info: ModelInfo;
  serving: ServingFacts;
  sha256: string;
}

/**
 * Checks an uploaded export package (model.onnx and, optionally, metadata.json) before anything is stored:
 * a real ONNX graph with one float image input, a task this service decodes, class names and input size known.
 */
export function validateModelPackage(onnx: Uint8Array, metadataText: string | null): ModelPackage {
  if (onnx.byteLength === 0) {
    throw new PlatformError(
      400,
      'MODEL_MISSING',
      'No model file was uploaded.',
      'Send model.onnx as the "model" form field.',
    );
  }
  let metadataJson: unknown = undefined;
  if (metadataText !== null) {
    try {
      // An export's metadata.json describes each of its formats: the ONNX model's document is this package's.
      const parsed: unknown = JSON.parse(metadataText);
      metadataJson = metadataForFormat(parsed, 'onnx') ?? parsed;
    } catch (error) {
      throw new PlatformError(
        400,
        'INVALID_METADATA_JSON',
        `metadata.json is not valid JSON: ${(error as Error).message}.`,
        'Upload the metadata.json written beside the exported model, unchanged.',
      );
    }
  }
  const summary = readOnnxSummary(onnx);
  const info = resolveModelInfo({ metadataJson, onnx: summary });
  const input = summary.inputs[0];
  if (summary.inputs.length !== 1 || !input || input.elemType !== 'FLOAT' || input.shape.length !== 4) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_MODEL_INPUT',
      `The model must take one float32 image tensor [batch, 3, height, width]; it takes ${summary.inputs
        .map((i) => `${i.name} ${i.elemType} [${i.shape.join(', ')}]`)
        .join(', ')}.`,
      'Export an Ultralytics detection, segmentation, classification or pose model to ONNX in FP32.',
    );
  }
  if (!isServableTask(info.task)) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_TASK',
      `Endpoints serve detection, segmentation, classification and pose models; this one is a ${info.task} model.`,
      'Deploy a detect, segment, classify or pose export.',
    );
  }
  checkOutputs(summary, info);
  const fixed = input.shape[2];
  const inputShape: [number, number] =
    typeof fixed === 'number' && fixed > 0 && typeof input.shape[3] === 'number' && input.shape[3] > 0
      ? [fixed, input.shape[3]]
      : info.imgsz;
  const serving: ServingFacts = {
    spec: preprocessSpecFrom(metadataJson, info.task),
    inputShape,
    outputNames: summary.outputs.map((o) => o.name),
  };
  return {
    onnx,
    metadataJson,
    summary,
    info,
    serving,
    sha256: createHash('sha256').update(onnx).digest('hex'),
  };
}

/** The outputs the task's decoder reads: [1, classes] for classify, [1, channels, anchors] (+ mask prototypes). */
function checkOutputs(summary: OnnxModelSummary, info: ModelInfo): void {
  const [output, second] = summary.outputs;
  const rank = info.task === 'classify' ? 2 : 3;
  const wanted = info.task === 'classify' ? '[1, classes]' : '[1, channels, anchors]';
  if (!output || output.elemType !== 'FLOAT' || output.shape.length !== rank) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_MODEL_OUTPUT',
      `The ${info.task} model's first output must be a float32 ${wanted} tensor; it is ${output ? `${output.elemType} [${output.shape.join(', ')}]` : 'missing'}.`,
      'Export with Ultralytics to ONNX in FP32 (half-precision outputs are not served yet).',
    );
  }
  if (info.task === 'segment' && (second?.elemType !== 'FLOAT' || second.shape.length !== 4)) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_MODEL_OUTPUT',
      `A segmentation model needs a second output with its mask prototypes, float32 [1, 32, height, width]; ${second ? `this one is ${second.elemType} [${second.shape.join(', ')}]` : 'this one has none'}.`,
      'Export the segmentation checkpoint with Ultralytics to ONNX in FP32, unchanged.',
    );
  }
  if (info.task === 'pose' && !info.kptShape) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_MODEL_OUTPUT',
      'This pose model does not say its keypoint shape (kpt_shape), so its keypoints cannot be read.',
      'Upload the metadata.json the export wrote beside the model (it holds kpt_shape).',
    );
  }
}
