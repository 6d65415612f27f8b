import type { CenterCropTransform } from './classify';
import { shortestEdgeCenterCrop } from './classify';
import { VisionError } from './errors';
import type { RgbImage } from './image';
import type { LetterboxTransform } from './letterbox';
import { letterbox } from './letterbox';

export type ResizeMode = 'letterbox' | 'shortest_edge_center_crop';

/** How an image becomes the model's input, as metadata.json's `preprocessing` says. */
export interface PreprocessSpec {
  resize: ResizeMode;
  padValue: number;
  colorOrder: 'RGB' | 'BGR';
  /** Pixel value multiplier before mean/std (1/255 for Ultralytics). */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
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
export function ultralyticsPreprocessSpec(task: string): PreprocessSpec {
  return {
    resize: task === 'classify' ? 'shortest_edge_center_crop' : 'letterbox',
    padValue: 114,
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

/** Resizes as the spec says and lays the pixels out as the model's NCHW float input. */
export function prepareImageTensor(
  image: RgbImage,
  spec: PreprocessSpec,
  inputShape: [number, number],
): PreparedInput {
  if (spec.resize === 'shortest_edge_center_crop') {
    const { image: cropped, transform } = shortestEdgeCenterCrop(image, inputShape);
    return {
      tensor: toTensor(cropped, spec),
      dims: [1, 3, cropped.height, cropped.width],
      transform: { kind: 'center_crop', ...transform },
    };
  }
  const { image: boxed, transform } = letterbox(image, inputShape, { padValue: spec.padValue });
  return {
    tensor: toTensor(boxed, spec),
    dims: [1, 3, boxed.height, boxed.width],
    transform: { kind: 'letterbox', ...transform },
  };
}

function toTensor(image: RgbImage, spec: PreprocessSpec): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(plane * 3);
  const src = image.data;
  // Division, not multiplication by 1/255, so values equal torch's `im / 255` bit for bit.
  const divisor = Math.abs(spec.scale - 1 / 255) < 1e-12 ? 255 : 1 / spec.scale;
  const order = spec.colorOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const plain = spec.mean.every((m) => m === 0) && spec.std.every((s) => s === 1);
  for (let channel = 0; channel < 3; channel++) {
    const from = order[channel]!;
    const mean = spec.mean[channel]!;
    const std = spec.std[channel]!;
    const offset = channel * plane;
    for (let p = 0; p < plane; p++) {
      const value = src[p * 3 + from]! / divisor;
      out[offset + p] = plain ? value : (value - mean) / std;
    }
  }
  return out;
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
