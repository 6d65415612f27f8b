import type { Box } from './boxes';
import { scaleBoxToSource } from './boxes';
import { decodeDetections } from './detect';
import { VisionError } from './errors';
import { keypointsToSource, type SourceKeypoint } from './keypoints';
import type { ModelInfo } from './model-info';
import type { InputTransform } from './preprocess';

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

export type Keypoint = SourceKeypoint;

/** One final prediction, in the original image's pixels. */
export interface Prediction {
  classId: number;
  className: string;
  confidence: number;
  /** [x1, y1, x2, y2] in original-image pixels. */
  box: Box;
  keypoints?: Keypoint[];
}

export interface PostprocessOptions {
  conf?: number;
  iou?: number;
  maxDet?: number;
  agnostic?: boolean;
  classes?: readonly number[];
}

/** Decodes the model's first output into final predictions (NMS unless the model did it) in original pixels. */
export function postprocess(
  outputs: readonly OutputTensor[],
  info: ModelInfo,
  transform: InputTransform,
  options: PostprocessOptions = {},
): Prediction[] {
  const first = outputs[0];
  if (!first)
    throw new VisionError('UNSUPPORTED_MODEL_OUTPUT', 'The model produced no output.', 'Re-export it.');
  if (info.task === 'classify' || info.task === 'obb' || transform.kind !== 'letterbox')
    throw unsupportedTask(info.task);
  const detections = decodeDetections(first.data, first.dims, {
    confThreshold: options.conf ?? info.nms.conf,
    iouThreshold: options.iou ?? info.nms.iou,
    maxDetections: options.maxDet ?? info.nms.maxDet,
    agnostic: options.agnostic ?? info.nms.agnostic,
    classes: options.classes,
    numClasses: info.names.length,
    endToEnd: info.endToEnd || undefined,
  });
  return detections.map((d) => {
    const prediction: Prediction = {
      classId: d.classId,
      className: info.names[d.classId] ?? String(d.classId),
      confidence: d.score,
      box: scaleBoxToSource(d.box, transform),
    };
    if (info.task === 'pose' && info.kptShape)
      prediction.keypoints = keypointsToSource(d.extra, info.kptShape, transform);
    return prediction;
  });
}

function unsupportedTask(task: string): VisionError {
  return new VisionError(
    'UNSUPPORTED_MODEL_OUTPUT',
    `Models for the ${task} task are not supported here yet (detect, segment boxes and pose are).`,
    'Deploy a detection, segmentation or pose model.',
  );
}
