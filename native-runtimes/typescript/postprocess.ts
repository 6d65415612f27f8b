import type { Box } from './boxes';
import { scaleBoxToSource } from './boxes';
import { toProbabilities, topK } from './classify';
import { decodeDetections } from './detect';
import { VisionError } from './errors';
import type { FloatTensor } from './io-tensors';
import { keypointsToSource } from './keypoints';
import type { LetterboxTransform } from './letterbox';
import type { ModelInfo, NmsDefaults } from './model-info';
import type {
  PostprocessOptions,
  PreviewClassScore,
  PreviewInputMapping,
  PreviewPrediction,
} from './predictions';
import type { InputFacts, InputTransform } from './preprocess';
import { encodeRuns, instanceMask } from './segment';

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
  predictions: PreviewPrediction[];
  top: PreviewClassScore[];
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

function noOutput(): VisionError {
  return new VisionError('UNSUPPORTED_MODEL_OUTPUT', 'The model produced no output.', 'Export it again.');
}
