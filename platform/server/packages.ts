import { createHash } from 'node:crypto';
import type { ModelInfo, OnnxModelSummary } from '../../electron/core/vision';
import { readOnnxSummary, resolveModelInfo } from '../../electron/core/vision';
import { PlatformError } from './errors';

export interface ModelPackage {
  onnx: Uint8Array;
  metadataJson: unknown;
  summary: OnnxModelSummary;
  info: ModelInfo;
  sha256: string;
}

const SERVABLE_TASKS = new Set(['detect', 'segment', 'pose']);

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
      metadataJson = JSON.parse(metadataText);
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
      'Export an Ultralytics detection, segmentation or pose model to ONNX in FP32.',
    );
  }
  if (!SERVABLE_TASKS.has(info.task)) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_TASK',
      `Endpoints serve detection, segmentation and pose models; this one is a ${info.task} model.`,
      'Deploy a detect, segment or pose export.',
    );
  }
  const output = summary.outputs[0];
  if (!output || output.elemType !== 'FLOAT' || output.shape.length !== 3) {
    throw new PlatformError(
      422,
      'UNSUPPORTED_MODEL_OUTPUT',
      `The model's first output must be a float32 [1, channels, anchors] tensor; it is ${output ? `${output.elemType} [${output.shape.join(', ')}]` : 'missing'}.`,
      'Export with Ultralytics to ONNX in FP32 (half-precision outputs are not served yet).',
    );
  }
  return { onnx, metadataJson, summary, info, sha256: createHash('sha256').update(onnx).digest('hex') };
}
