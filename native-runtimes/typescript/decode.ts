import type Sharp from 'sharp';
import type { RgbImage } from './image';
import { VisionError } from './errors';
import { decodeJpegNative } from './jpeg-native';
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
 * Decodes any common photo into 8-bit RGB, upright per its EXIF orientation, with exactly the pixels cv2.imread
 * gives (what Ultralytics and most Python pipelines see). Grey, palette, alpha, CMYK and 16-bit inputs all come out
 * as 3 × 8-bit channels; alpha is dropped the way cv2.imread(IMREAD_COLOR) drops it, and CMYK/YCCK JPEGs get
 * OpenCV's own conversion (see cmykToRgb). An embedded ICC profile is ignored, as OpenCV ignores it: converting
 * through it (libvips' default) changes most pixels of a photo tagged Adobe RGB, Display P3 or even sRGB v4, by
 * tens of levels — enough to flip a classifier's top-1 — and costs tens of milliseconds.
 */
export async function decodeImage(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return (
    (await decodeCommon(input, maxPixels)) ??
    decodeImageWithHeader(input, await readImageHeader(input), maxPixels)
  );
}

/** What the first bytes of a JPEG or PNG say (a few hundred bytes read in JavaScript, no call into libvips). */
export interface QuickHeader {
  format: 'jpeg' | 'png';
  /** As stored (before any EXIF rotation). */
  width: number;
  height: number;
  /** JPEG: components in the frame (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK). PNG: 0 (any PNG decodes the same way). */
  components: number;
  /**
   * JPEG: the EXIF orientation (1, upright, when there is no EXIF block or it has no orientation), or null when an
   * EXIF block could not be read this way. PNG: null (not read here).
   */
  orientation: number | null;
}

/**
 * The format, size and (JPEG) number of components from the file's own header, or null when it is not a baseline or
 * progressive 8-bit JPEG or a PNG, or the header cannot be read this way (libvips then reads it).
 */
export function quickHeader(input: Uint8Array): QuickHeader | null {
  const n = input.length;
  if (n > 24 && input[0] === 0x89 && input[1] === 0x50 && input[2] === 0x4e && input[3] === 0x47) {
    // PNG: the signature, then IHDR (length, "IHDR", width, height).
    const view = new DataView(input.buffer, input.byteOffset, n);
    if (view.getUint32(12) !== 0x49484452) return null;
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    return width > 0 && height > 0
      ? { format: 'png', width, height, components: 0, orientation: null }
      : null;
  }
  if (n < 4 || input[0] !== 0xff || input[1] !== 0xd8) return null;
  // JPEG: walk the marker segments up to the frame header (SOFn), reading the orientation of an EXIF block on the way.
  let orientation: number | null = 1;
  let exifBlocks = 0;
  let i = 2;
  while (i + 9 < n) {
    if (input[i] !== 0xff) return null;
    const marker = input[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan before any frame header
    const length = (input[i + 2]! << 8) | input[i + 3]!;
    const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (frame) {
      const precision = input[i + 4];
      const height = (input[i + 5]! << 8) | input[i + 6]!;
      const width = (input[i + 7]! << 8) | input[i + 8]!;
      const components = input[i + 9]!;
      return precision === 8 && width > 0 && height > 0
        ? { format: 'jpeg', width, height, components, orientation }
        : null;
    }
    if (marker === 0xe1 && isExif(input, i + 4, i + 2 + length)) {
      // More than one EXIF block: which one a decoder believes is not this code's to guess.
      orientation = ++exifBlocks === 1 ? exifOrientation(input, i + 10, i + 2 + length) : null;
    }
    i += 2 + length;
  }
  return null;
}

const EXIF_SIGNATURE = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

function isExif(input: Uint8Array, start: number, end: number): boolean {
  return end - start >= 6 && EXIF_SIGNATURE.every((byte, k) => input[start + k] === byte);
}

/**
 * The orientation tag (0x0112) of IFD0 of the TIFF structure in [start, end): 1 when the tag is absent, null when
 * the structure or the tag is not what the EXIF standard says (then libvips reads it).
 */
function exifOrientation(input: Uint8Array, start: number, end: number): number | null {
  if (end > input.length || end - start < 8) return null;
  const view = new DataView(input.buffer, input.byteOffset + start, end - start);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return null;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > view.byteLength) return null;
  const entries = view.getUint16(ifd, little);
  if (ifd + 2 + entries * 12 > view.byteLength) return null;
  for (let e = 0, at = ifd + 2; e < entries; e++, at += 12) {
    if (view.getUint16(at, little) !== 0x0112) continue;
    const value = view.getUint16(at + 8, little);
    const short = view.getUint16(at + 2, little) === 3 && view.getUint32(at + 4, little) === 1;
    return short && value >= 1 && value <= 8 ? value : null;
  }
  return 1;
}

/**
 * The common case without asking libvips for the header first (one call instead of two): a JPEG (grey or colour)
 * or a PNG within the pixel limit. An upright grey or colour JPEG goes to libjpeg-turbo directly where its addon is
 * built (cv2.imread's own decoder and settings, so the same pixels, at cv2.imread's speed; jpeg-native.ts).
 * Anything else, or anything libvips then refuses, is null: the caller decodes it the general way, which says
 * precisely what is wrong.
 */
export async function decodeCommon(input: Uint8Array, maxPixels: number): Promise<DecodedImage | null> {
  const quick = quickHeader(input);
  if (!quick || quick.components === 4 || quick.width * quick.height > maxPixels) return null;
  if (quick.format === 'jpeg' && quick.orientation === 1) {
    const image = await decodeJpegNative(input, quick.width, quick.height);
    if (image) return { ...image, format: 'jpeg' };
  }
  try {
    return await decodeRgb(input, maxPixels, quick.format);
  } catch {
    return null;
  }
}

export type ImageHeader = Awaited<ReturnType<ReturnType<typeof Sharp>['metadata']>>;

/** The image's header (format, stored size, EXIF orientation), or a clear error when it is not an image. */
export async function readImageHeader(input: Uint8Array): Promise<ImageHeader> {
  if (input.byteLength === 0) {
    throw new VisionError('NOT_AN_IMAGE', 'The image is empty (0 bytes).', 'Use a JPEG, PNG or WebP photo.');
  }
  const sharp = await loadSharp();
  try {
    return await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new VisionError(
      'NOT_AN_IMAGE',
      'The data is not an image in any format this reader knows.',
      'Use a JPEG, PNG or WebP photo.',
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
    if (isCmykJpeg(header)) {
      // The ink values as libvips reads them, with no colour management: converted below as OpenCV converts them.
      const { data, info } = await sharp(input, {
        limitInputPixels: maxPixels,
        failOn: 'error',
        ignoreIcc: true,
      })
        .rotate()
        .pipelineColourspace('cmyk')
        .toColourspace('cmyk')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 4) throw new Error(`expected 4 CMYK channels, got ${info.channels}`);
      return { width: info.width, height: info.height, data: cmykToRgb(data), format };
    }
    return await decodeRgb(input, maxPixels, format);
  } catch (error) {
    throw new VisionError(
      'IMAGE_DECODE_FAILED',
      `The ${format.toUpperCase()} image could not be decoded: ${(error as Error).message}.`,
      'The file may be truncated or corrupt; export it again from the original.',
    );
  }
}

/** Any image but CMYK: upright, 8-bit RGB, the embedded ICC profile ignored (as cv2.imread ignores it). */
async function decodeRgb(input: Uint8Array, maxPixels: number, format: string): Promise<DecodedImage> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error', ignoreIcc: true })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { width: info.width, height: info.height, data: rgb, format };
}

/** A JPEG stored as CMYK or YCCK (libjpeg hands both over as CMYK). */
export function isCmykJpeg(header: Pick<ImageHeader, 'format' | 'space' | 'channels'>): boolean {
  return header.format === 'jpeg' && header.space === 'cmyk' && header.channels === 4;
}

/**
 * CMYK (libvips' ink values, 255 = full ink) to RGB exactly as OpenCV's JPEG decoder does it, which is what
 * cv2.imread — and so Ultralytics — sees. libjpeg hands OpenCV the stored values, which for Adobe files (Photoshop,
 * Pillow, YCCK) are inverted, 255 = no ink; libvips inverts them back, here whether or not the APP14 marker is there
 * (decode.test.ts holds it to a file without one). OpenCV's icvCvt_CMYK2BGR_8u_C4C3R then applies no colour
 * management: with c, k the stored values, R = k - ((255 - c) * k >> 8), and likewise G from m, B from y. A
 * colour-managed conversion (libvips with its CMYK profile) gives noticeably different colours, enough to lose
 * detections Ultralytics finds.
 */
export function cmykToRgb(cmyk: Uint8Array): Uint8Array {
  const pixels = cmyk.length >> 2;
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0, p = 0; p < pixels; p++, i += 4, o += 3) {
    const k = 255 - cmyk[i + 3]!; // the stored (inverted) black
    rgb[o] = k - ((cmyk[i]! * k) >> 8); // 255 - c (stored) = the ink value libvips gives
    rgb[o + 1] = k - ((cmyk[i + 1]! * k) >> 8);
    rgb[o + 2] = k - ((cmyk[i + 2]! * k) >> 8);
  }
  return rgb;
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}
