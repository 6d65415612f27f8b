/**
 * What post-processing answers, for every task: the types the app's preview, the CLI's `predict --json` and the
 * endpoint service all build their answers from. Coordinates are in the original image's pixels unless said.
 */

/** Thresholds and filters; anything left out is the model's default (metadata.json, else Ultralytics'). */
export interface PostprocessOptions {
  conf?: number;
  iou?: number;
  maxDet?: number;
  agnostic?: boolean;
  /** Keep only these class ids. */
  classes?: number[];
  /** Classification: how many classes to list. */
  topK?: number;
}

export interface PreviewKeypoint {
  x: number;
  y: number;
  score: number | null;
}

/** A binary mask in model-input pixels over [x, y, width, height]; runs alternate 0s and 1s, row-major. */
export interface PreviewMask {
  x: number;
  y: number;
  width: number;
  height: number;
  runs: number[];
}

export interface PreviewPrediction {
  classId: number;
  className: string;
  confidence: number;
  /** [x1, y1, x2, y2] in original-image pixels. */
  box: [number, number, number, number];
  keypoints?: PreviewKeypoint[];
  mask?: PreviewMask;
}

export interface PreviewClassScore {
  classId: number;
  className: string;
  confidence: number;
}

/** How model-input pixels map to the original image (for drawing masks): x = (xi - left) * sourceWidth / resizedWidth. */
export interface PreviewInputMapping {
  inputWidth: number;
  inputHeight: number;
  left: number;
  top: number;
  resizedWidth: number;
  resizedHeight: number;
}
