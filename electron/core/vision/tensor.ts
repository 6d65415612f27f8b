import type { RgbImage } from './image';

/**
 * HWC uint8 RGB → NCHW float32 in [0, 1], batch of one. Divides (not multiplies by 1/255) so every value equals
 * torch's `im / 255` bit for bit.
 */
export function toNchwFloat32(image: RgbImage): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(plane * 3);
  const src = image.data;
  for (let i = 0, p = 0; p < plane; p++, i += 3) {
    out[p] = src[i]! / 255;
    out[plane + p] = src[i + 1]! / 255;
    out[2 * plane + p] = src[i + 2]! / 255;
  }
  return out;
}
