import type { CenterCropTransform } from './classify';
import { centerCropTransform } from './classify';
import { VisionError } from './errors';
import type { RgbImage } from './image';
import type { LetterboxTransform } from './letterbox';
import { letterboxTransform } from './letterbox';
import { resizeRowsBilinear, resizeRowsBilinearSimd } from './resize';
import { resizePilBilinear } from './resize-pil';
import type { Normalisation } from './tensor';
import { NchwWriter } from './tensor';

export type ResizeMode = 'letterbox' | 'shortest_edge_center_crop';

/** How an image becomes the model's input, as metadata.json's `preprocessing` says. */
export interface PreprocessSpec extends Normalisation {
  resize: ResizeMode;
  padValue: number;
}

export type InputTransform =
  ({ kind: 'letterbox' } & LetterboxTransform) | ({ kind: 'center_crop' } & CenterCropTransform);

export interface PreparedInput {
  /** NCHW float32, batch of one. */
  tensor: Float32Array;
  dims: [1, 3, number, number];
  transform: InputTransform;
}

/** What Ultralytics' predictors do: letterbox (classification: shorter side + centre crop), RGB, ÷255. */
export function ultralyticsPreprocessSpec(task: string, padValue = 114): PreprocessSpec {
  return {
    resize: task === 'classify' ? 'shortest_edge_center_crop' : 'letterbox',
    padValue,
    colorOrder: 'RGB',
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  };
}

/** Reads metadata.json's `preprocessing`; anything it leaves out is Ultralytics' default for the task. */
export function preprocessSpecFrom(metadataJson: unknown, task: string): PreprocessSpec {
  const spec = ultralyticsPreprocessSpec(task);
  const pre = record(record(metadataJson).preprocessing);
  const resize = record(pre.resize);
  if (resize.mode !== undefined) {
    if (resize.mode !== 'letterbox' && resize.mode !== 'shortest_edge_center_crop') {
      throw new VisionError(
        'INVALID_MODEL_METADATA',
        `The model's metadata asks for resize mode "${String(resize.mode)}", which the preview does not know.`,
        'Use metadata.json from an Edgepack export (letterbox or shortest_edge_center_crop).',
      );
    }
    spec.resize = resize.mode;
  }
  if (typeof resize.pad_value === 'number') spec.padValue = resize.pad_value;
  if (pre.color_order === 'BGR' || pre.color_order === 'RGB') spec.colorOrder = pre.color_order;
  if (typeof pre.scale === 'number' && pre.scale > 0) spec.scale = pre.scale;
  const mean = triple(pre.mean);
  const std = triple(pre.std);
  if (mean) spec.mean = mean;
  if (std && std.every((s) => s !== 0)) spec.std = std;
  return spec;
}

/** What preparing an image needs to know about the model; a ModelInfo has it, a preview model adds its spec. */
export interface InputFacts {
  task: string;
  /** Model input [height, width]. */
  imgsz: [number, number];
  padValue: number;
  /** metadata.json's preprocessing; Ultralytics' for the task (with `padValue`) when absent. */
  preprocess?: PreprocessSpec;
}

/** Where an image of this size goes in the model input: what prepareInput computes, without touching pixels. */
export function inputTransformFor(width: number, height: number, model: InputFacts): InputTransform {
  const spec = model.preprocess ?? ultralyticsPreprocessSpec(model.task, model.padValue);
  return spec.resize === 'shortest_edge_center_crop'
    ? { kind: 'center_crop', ...centerCropTransform(width, height, model.imgsz) }
    : { kind: 'letterbox', ...letterboxTransform(width, height, model.imgsz) };
}

/**
 * Resizes as the spec says and lays the pixels out as the model's NCHW float input. The letterbox is fused: each
 * resized row goes straight into the tensor (normalised, in the model's channel order) over the padding.
 */
export function prepareInput(image: RgbImage, model: InputFacts): PreparedInput {
  const spec = model.preprocess ?? ultralyticsPreprocessSpec(model.task, model.padValue);
  const inputShape = model.imgsz;
  if (spec.resize === 'shortest_edge_center_crop') {
    // torchvision's Resize (Pillow's) then CenterCrop, as shortestEdgeCenterCrop; only the crop is computed.
    const transform = centerCropTransform(image.width, image.height, inputShape);
    const [height, width] = inputShape;
    const cropped = resizePilBilinear(image, transform.resizedWidth, transform.resizedHeight, {
      left: transform.left,
      top: transform.top,
      width,
      height,
    });
    const writer = new NchwWriter(width, height, spec);
    writer.row(cropped.data, width * height, 0);
    return {
      tensor: writer.tensor,
      dims: [1, 3, height, width],
      transform: { kind: 'center_crop', ...transform },
    };
  }
  const transform = letterboxTransform(image.width, image.height, inputShape);
  const width = transform.left + transform.resizedWidth + transform.right;
  const height = transform.top + transform.resizedHeight + transform.bottom;
  const { top, left, right, resizedWidth, resizedHeight } = transform;
  const writer = new NchwWriter(width, height, spec);
  // Only the padding is filled, around the rows as they come: the picture itself is written once.
  writer.fill(spec.padValue, 0, top * width + left);
  const padAfter = (y: number, at: number) =>
    writer.fill(spec.padValue, at + resizedWidth, y + 1 < resizedHeight ? right + left : undefined);
  const laidOut = resizeRowsBilinearSimd(image, resizedWidth, resizedHeight, writer.lookup, (y, planes) => {
    const at = (y + top) * width + left;
    writer.planarRow(planes, resizedWidth, at);
    padAfter(y, at);
  });
  if (laidOut)
    return {
      tensor: writer.tensor,
      dims: [1, 3, height, width],
      transform: { kind: 'letterbox', ...transform },
    };
  resizeRowsBilinear(
    image,
    resizedWidth,
    resizedHeight,
    (y, pixels) => {
      const at = (y + top) * width + left;
      writer.row(pixels, resizedWidth, at);
      padAfter(y, at);
    },
    (y, upper, lower, b0, b1) => {
      const at = (y + top) * width + left;
      writer.blendedRow(upper, lower, b0, b1, resizedWidth, at);
      padAfter(y, at);
    },
  );
  return {
    tensor: writer.tensor,
    dims: [1, 3, height, width],
    transform: { kind: 'letterbox', ...transform },
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function triple(value: unknown): [number, number, number] | null {
  return Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number')
    ? (value as [number, number, number])
    : null;
}
