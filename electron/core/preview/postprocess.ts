import type {
  PreviewClassScore,
  PreviewInputMapping,
  PreviewOptions,
  PreviewPrediction,
  PreviewResult,
} from '../../contract';
import { AppError } from '../errors';
import type { Box } from '../vision/boxes';
import { scaleBoxToSource } from '../vision/boxes';
import { toProbabilities, topK } from '../vision/classify';
import { decodeDetections } from '../vision/detect';
import { keypointsToSource } from '../vision/keypoints';
import type { LetterboxTransform } from '../vision/letterbox';
import type { InputTransform } from '../vision/preprocess';
import { encodeRuns, instanceMask } from '../vision/segment';
import type { OpenedModel } from './model-facts';
import type { FloatTensor } from './tensors';

export interface RawOutputs {
  /** Model outputs in the order the graph declares them. */
  tensors: FloatTensor[];
  transform: InputTransform;
  /** The upright original's size (predictions are in its pixels) and the decoded size, when it was shrunk. */
  sourceWidth: number;
  sourceHeight: number;
}

export interface Postprocessed {
  predictions: PreviewPrediction[];
  top: PreviewClassScore[];
  mapping: PreviewInputMapping | null;
  options: PreviewResult['options'];
}

/** Everything after inference: decoding, NMS, masks, keypoints, top-k — cheap enough to re-run per slider move. */
export function postprocess(
  model: NonNullable<OpenedModel['ready']>,
  raw: RawOutputs,
  options: PreviewOptions,
): Postprocessed {
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
    const top = topK(probabilities, options.topK ?? 5, options.classes).map((s) => ({
      classId: s.classId,
      className: info.names[s.classId] ?? String(s.classId),
      confidence: s.score,
    }));
    return { predictions: [], top, mapping: null, options: used };
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
  const toSource = (box: Box): PreviewPrediction['box'] => {
    const [x1, y1, x2, y2] = scaleBoxToSource(box, transform);
    return [x1 * sx, y1 * sy, x2 * sx, y2 * sy];
  };
  const prototypes = info.task === 'segment' ? raw.tensors[1] : undefined;
  const predictions: PreviewPrediction[] = [];
  for (const d of detections) {
    const prediction: PreviewPrediction = {
      classId: d.classId,
      className: info.names[d.classId] ?? String(d.classId),
      confidence: d.score,
      box: toSource(d.box),
    };
    if (prototypes) {
      const mask = instanceMask(prototypes, d.extra, d.box, transform.targetShape);
      if (!mask) continue;
      prediction.mask = {
        x: mask.x,
        y: mask.y,
        width: mask.width,
        height: mask.height,
        runs: encodeRuns(mask.data),
      };
    }
    if (info.task === 'pose' && info.kptShape) {
      prediction.keypoints = keypointsToSource(d.extra, info.kptShape, transform).map((k) => ({
        x: k.x * sx,
        y: k.y * sy,
        score: k.score,
      }));
    }
    predictions.push(prediction);
  }
  const mapping: PreviewInputMapping = {
    inputWidth: transform.targetShape[1],
    inputHeight: transform.targetShape[0],
    left: transform.left,
    top: transform.top,
    resizedWidth: transform.resizedWidth,
    resizedHeight: transform.resizedHeight,
  };
  return { predictions, top: [], mapping, options: used };
}

function noOutput(): AppError {
  return new AppError('UNSUPPORTED_MODEL_OUTPUT', 'The model produced no output.', 'Export it again.');
}
