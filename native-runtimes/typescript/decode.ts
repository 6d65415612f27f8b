import type Sharp from 'sharp';
import type { RgbImage } from './image';
import { VisionError } from './errors';
import { loadSharp } from './sharp';

/** 40 megapixels: far above any camera a model is run on, far below what exhausts memory when decoded. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);

export interface DecodeOptions {
  /** Refuse images with more pixels than this (image bombs). */
  maxPixels?: number;
}

export interface DecodedImage extends RgbImage {
  /** The container format sharp recognised (jpeg, png, …). */
  format: string;
}

/**
 * Decodes any common photo into 8-bit sRGB RGB, upright per its EXIF orientation. Grey, palette, alpha, CMYK and
 * 16-bit inputs all come out as 3 × 8-bit channels; alpha is dropped the way cv2.imread(IMREAD_COLOR) drops it.
 */
export async function decodeImage(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  return decodeImageWithHeader(input, await readImageHeader(input), options.maxPixels ?? DEFAULT_MAX_PIXELS);
}

export type ImageHeader = Awaited<ReturnType<ReturnType<typeof Sharp>['metadata']>>;

/** The image's header (format, stored size, EXIF orientation), or a clear error when it is not an image. */
export async function readImageHeader(input: Uint8Array): Promise<ImageHeader> {
  if (input.byteLength === 0) {
    throw new VisionError(
      'NOT_AN_IMAGE',
      'The image is empty (0 bytes).',
      'Send the bytes of a JPEG, PNG or WebP.',
    );
  }
  const sharp = await loadSharp();
  try {
    return await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new VisionError(
      'NOT_AN_IMAGE',
      'The data is not an image in any format this service reads.',
      'Send the bytes of a JPEG, PNG or WebP photo (base64-encoded in JSON requests).',
    );
  }
}

/** decodeImage once the header has been read (callers that looked at it first need not read it twice). */
export async function decodeImageWithHeader(
  input: Uint8Array,
  header: ImageHeader,
  maxPixels: number,
): Promise<DecodedImage> {
  const format = header.format ?? 'unknown';
  if (!SUPPORTED_FORMATS.has(format)) {
    throw new VisionError(
      'UNSUPPORTED_IMAGE_FORMAT',
      `Images in ${format.toUpperCase()} format are not accepted.`,
      'Convert it to JPEG, PNG, WebP, GIF, TIFF or AVIF.',
    );
  }
  const width = header.width ?? 0;
  const height = header.height ?? 0;
  if (width * height > maxPixels) {
    throw new VisionError(
      'IMAGE_TOO_LARGE',
      `The image is ${width}×${height} (${formatMegapixels(width * height)}), above the ${formatMegapixels(maxPixels)} limit.`,
      'Resize it before sending; detection models see it at a few hundred pixels anyway.',
    );
  }
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { width: info.width, height: info.height, data: rgb, format };
  } catch (error) {
    throw new VisionError(
      'IMAGE_DECODE_FAILED',
      `The ${format.toUpperCase()} image could not be decoded: ${(error as Error).message}.`,
      'The file may be truncated or corrupt; export it again from the original.',
    );
  }
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}
