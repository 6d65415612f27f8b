import type { RgbImage } from './image';
import { createRgbImage } from './image';
import { pythonRound } from './python-round';
import { resizeRowsBilinear } from './resize';

/** Where the original image sits inside the model input; also what maps boxes back to the original. */
export interface LetterboxTransform {
  /** Original [height, width]. */
  sourceShape: [number, number];
  /** Model input [height, width]. */
  targetShape: [number, number];
  /** Scale applied to the original. */
  ratio: number;
  /** Resized (unpadded) width and height. */
  resizedWidth: number;
  resizedHeight: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface LetterboxOptions {
  /** Allow enlarging small images (Ultralytics' predictor does). */
  scaleUp?: boolean;
  padValue?: number;
}

/** Ultralytics' LetterBox(auto=False, center=True).get_params, including Python's rounding. */
export function letterboxTransform(
  sourceWidth: number,
  sourceHeight: number,
  targetShape: [number, number],
  options: LetterboxOptions = {},
): LetterboxTransform {
  const [targetHeight, targetWidth] = targetShape;
  let ratio = Math.min(targetHeight / sourceHeight, targetWidth / sourceWidth);
  if (options.scaleUp === false) ratio = Math.min(ratio, 1);
  const resizedWidth = Math.max(pythonRound(sourceWidth * ratio), 1);
  const resizedHeight = Math.max(pythonRound(sourceHeight * ratio), 1);
  const dw = (targetWidth - resizedWidth) / 2;
  const dh = (targetHeight - resizedHeight) / 2;
  return {
    sourceShape: [sourceHeight, sourceWidth],
    targetShape: [targetHeight, targetWidth],
    ratio,
    resizedWidth,
    resizedHeight,
    top: pythonRound(dh - 0.1),
    bottom: pythonRound(dh + 0.1),
    left: pythonRound(dw - 0.1),
    right: pythonRound(dw + 0.1),
  };
}

/** Resizes keeping the aspect ratio and pads to the model input with grey (114), centred. */
export function letterbox(
  image: RgbImage,
  targetShape: [number, number],
  options: LetterboxOptions = {},
): { image: RgbImage; transform: LetterboxTransform } {
  const transform = letterboxTransform(image.width, image.height, targetShape, options);
  const outWidth = transform.left + transform.resizedWidth + transform.right;
  const outHeight = transform.top + transform.resizedHeight + transform.bottom;
  const out = createRgbImage(outWidth, outHeight, options.padValue ?? 114);
  resizeRowsBilinear(image, transform.resizedWidth, transform.resizedHeight, (y, pixels) =>
    out.data.set(pixels, ((y + transform.top) * outWidth + transform.left) * 3),
  );
  return { image: out, transform };
}
