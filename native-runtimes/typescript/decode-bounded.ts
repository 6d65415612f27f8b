import type { DecodedImage, ImageHeader } from './decode';
import {
  cmykToRgb,
  decodeCommon,
  DEFAULT_MAX_PIXELS,
  decodeImageWithHeader,
  isCmykJpeg,
  readImageHeader,
} from './decode';
import { VisionError } from './errors';
import { loadSharp } from './sharp';

export interface BoundedDecodeOptions {
  /** Images up to this many pixels are decoded as they are (exactly as Ultralytics would read them). */
  maxPixels?: number;
  /** Larger ones are shrunk while decoding (streamed, so memory stays bounded) to about this many pixels. */
  downscaleTo?: number;
  /** Refuse even to downscale above this many pixels. */
  hardLimitPixels?: number;
}

export interface BoundedImage {
  image: DecodedImage;
  /** The upright original's size; predictions are reported in these pixels. */
  sourceWidth: number;
  sourceHeight: number;
  /** Set when the image was shrunk while decoding. */
  downscaled: { width: number; height: number } | null;
}

/** 1 gigapixel: a 31 600 × 31 600 image. Beyond this even a streamed shrink takes too long to be a preview. */
const DEFAULT_HARD_LIMIT = 1_000_000_000;
const DEFAULT_DOWNSCALE_TO = 16_000_000;
/** Formats decodeImage accepts; anything else goes to it to be refused with its own message. */
const STREAMABLE = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);

/**
 * Decodes like decodeImage, except that an image above the pixel limit is not refused but shrunk while it is read
 * (libvips streams it: a 20 000 × 20 000 PNG costs a few hundred MB, not 1.2 GB), and says so.
 */
export async function decodeImageBounded(
  input: Uint8Array,
  options: BoundedDecodeOptions = {},
): Promise<BoundedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const common = await decodeCommon(input, maxPixels);
  if (common)
    return { image: common, sourceWidth: common.width, sourceHeight: common.height, downscaled: null };
  const header = await readImageHeader(input);
  const size = uprightSize(header);
  if (!size || !STREAMABLE.has(size.format) || size.width * size.height <= maxPixels) {
    const image = await decodeImageWithHeader(input, header, maxPixels);
    return { image, sourceWidth: image.width, sourceHeight: image.height, downscaled: null };
  }
  const pixels = size.width * size.height;
  const hardLimit = options.hardLimitPixels ?? DEFAULT_HARD_LIMIT;
  if (pixels > hardLimit) {
    throw new VisionError(
      'IMAGE_TOO_LARGE',
      `The image is ${size.width}×${size.height} (${megapixels(pixels)}), above the ${megapixels(hardLimit)} the preview reads.`,
      'Resize or crop it first; the model sees it at a few hundred pixels anyway.',
    );
  }
  const factor = Math.sqrt((options.downscaleTo ?? DEFAULT_DOWNSCALE_TO) / pixels);
  const width = Math.max(1, Math.floor(size.width * factor));
  const height = Math.max(1, Math.floor(size.height * factor));
  const sharp = await loadSharp();
  try {
    const cmyk = isCmykJpeg(header);
    // The embedded ICC profile is ignored, as decodeImage (and cv2.imread) ignore it.
    const pipeline = sharp(input, {
      limitInputPixels: false,
      sequentialRead: true,
      failOn: 'error',
      ignoreIcc: true,
    })
      .rotate()
      .resize({ width, height, fit: 'fill' });
    // CMYK is shrunk as ink values and converted as OpenCV converts (decodeImage's cmykToRgb).
    const { data, info } = await (
      cmyk
        ? pipeline.pipelineColourspace('cmyk').toColourspace('cmyk')
        : pipeline.toColourspace('srgb').removeAlpha()
    )
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const rgb = cmyk ? cmykToRgb(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return {
      image: { width: info.width, height: info.height, data: rgb, format: size.format },
      sourceWidth: size.width,
      sourceHeight: size.height,
      downscaled: { width: info.width, height: info.height },
    };
  } catch (error) {
    throw new VisionError(
      'IMAGE_DECODE_FAILED',
      `The ${size.format.toUpperCase()} image could not be decoded: ${(error as Error).message}.`,
      'The file may be truncated or corrupt; export it again from the original.',
    );
  }
}

/** The displayed (EXIF-upright) size, or null when the header does not say (decoding then says why). */
function uprightSize(header: ImageHeader): { width: number; height: number; format: string } | null {
  if (!header.width || !header.height) return null;
  const turned = (header.orientation ?? 1) >= 5;
  return {
    width: turned ? header.height : header.width,
    height: turned ? header.width : header.height,
    format: header.format ?? 'unknown',
  };
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}
