import type { Box } from './boxes';
import { scaleBoxToSource } from './boxes';
import { toProbabilities, topK } from './classify';
import { decodeDetections } from './detect';
import { VisionError } from './errors';
import type { FloatTensor } from './io-tensors';
import { keypointsToSource } from './keypoints';
import type { LetterboxTransform } from './letterbox';
import type { ModelInfo, NmsDefaults } from './model-info';
import {
  roundTo,
  type BBox,
  type ClassPrediction,
  type Detection,
  type PostprocessOptions,
  type Prediction,
  type PreviewInputMapping,
} from './predictions';
import type { InputFacts, InputTransform } from './preprocess';
import { instanceMask, maskToSource } from './segment';

/** A model ready to run: its facts, its input (size and preprocessing) and its outputs' names. */
export interface ReadyModel {
  info: ModelInfo;
  /** Input size (the graph's, when fixed), and metadata.json's preprocessing. */
  input: InputFacts;
  outputNames: string[];
}

export interface RawOutputs {
  /** Model outputs in the order the graph declares them. */
  tensors: FloatTensor[];
  transform: InputTransform;
  /** The upright original's size (predictions are in its pixels) and the decoded size, when it was shrunk. */
  sourceWidth: number;
  sourceHeight: number;
}

export interface Postprocessed {
  /** Detect, segment, pose: the objects found; classify: the top-k classes, most probable first. */
  predictions: Prediction[];
  /** Where the photo sits in the model input (null for classify). */
  mapping: PreviewInputMapping | null;
  /** The thresholds used: the options given, else the model's defaults. */
  options: NmsDefaults;
}

/** Everything after inference: decoding, NMS, masks, keypoints, top-k — cheap enough to re-run per slider move. */
export function postprocess(model: ReadyModel, raw: RawOutputs, options: PostprocessOptions): Postprocessed {
  const { info } = model;
  const used = {
    conf: options.conf ?? info.nms.conf,
    iou: options.iou ?? info.nms.iou,
    maxDet: options.maxDet ?? info.nms.maxDet,
    agnostic: options.agnostic ?? info.nms.agnostic,
  };
  const first = raw.tensors[0];
  if (!first) throw noOutput();
  if (info.task === 'classify' || raw.transform.kind === 'center_crop') {
    const probabilities = toProbabilities(first.data);
    const top = topK(probabilities, options.topK ?? 5, options.classes).map((s): ClassPrediction =>
      classPrediction(info, s.classId, s.score),
    );
    return { predictions: top, mapping: null, options: used };
  }
  const transform: LetterboxTransform = raw.transform;
  const detections = decodeDetections(first.data, first.dims, {
    confThreshold: used.conf,
    iouThreshold: used.iou,
    maxDetections: used.maxDet,
    agnostic: used.agnostic,
    classes: options.classes,
    numClasses: info.names.length,
    endToEnd: info.endToEnd || undefined,
  });
  const [decodedHeight, decodedWidth] = transform.sourceShape;
  const sx = raw.sourceWidth / decodedWidth;
  const sy = raw.sourceHeight / decodedHeight;
  const toSource = (box: Box): BBox => {
    const [x1, y1, x2, y2] = scaleBoxToSource(box, transform);
    return [pixel(x1 * sx), pixel(y1 * sy), pixel(x2 * sx), pixel(y2 * sy)];
  };
  const mapping: PreviewInputMapping = {
    inputWidth: transform.targetShape[1],
    inputHeight: transform.targetShape[0],
    left: transform.left,
    top: transform.top,
    resizedWidth: transform.resizedWidth,
    resizedHeight: transform.resizedHeight,
  };
  const prototypes = info.task === 'segment' ? raw.tensors[1] : undefined;
  const predictions: Detection[] = [];
  for (const d of detections) {
    const prediction: Detection = { ...classPrediction(info, d.classId, d.score), bbox: toSource(d.box) };
    if (prototypes) {
      const mask = instanceMask(prototypes, d.extra, d.box, transform.targetShape);
      if (!mask) continue;
      prediction.mask = maskToSource(mask, mapping, raw.sourceWidth, raw.sourceHeight);
    }
    if (info.task === 'pose' && info.kptShape) {
      prediction.keypoints = keypointsToSource(d.extra, info.kptShape, transform).map((k) => [
        pixel(k.x * sx),
        pixel(k.y * sy),
        k.score === null ? null : roundTo(k.score, 4),
      ]);
    }
    predictions.push(prediction);
  }
  return { predictions, mapping, options: used };
}

function classPrediction(info: ModelInfo, classId: number, score: number): ClassPrediction {
  return { class: info.names[classId] ?? String(classId), class_id: classId, confidence: roundTo(score, 5) };
}

/** Photo coordinates to 0.01 px. */
function pixel(value: number): number {
  return roundTo(value, 2);
}

function noOutput(): VisionError {
  return new VisionError('UNSUPPORTED_MODEL_OUTPUT', 'The model produced no output.', 'Export it again.');
}
