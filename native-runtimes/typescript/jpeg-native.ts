import type { RgbImage } from './image';

interface Decoder {
  /** On libuv's thread pool. */
  decodeJpegInto: (input: Uint8Array, output: Uint8Array, width: number, height: number) => Promise<boolean>;
  /** On the calling thread. */
  decodeJpegIntoSync: (input: Uint8Array, output: Uint8Array, width: number, height: number) => boolean;
}

/**
 * Up to this many pixels (about 2 ms of decoding per megapixel) a JPEG is decoded on the calling thread: handing it
 * to the thread pool and back costs two thread switches, which on a busy machine take longer than the decode.
 */
export const SYNC_DECODE_PIXELS = 3_000_000;

let loading: Promise<Decoder | null> | null = null;

/** libjpeg-turbo's decoder (the @edgepack/jpeg-turbo addon), or null where it was not built. */
function nativeDecoder(): Promise<Decoder | null> {
  loading ??= import('@edgepack/jpeg-turbo').then(
    ({ decodeJpegInto, decodeJpegIntoSync }) =>
      decodeJpegInto && decodeJpegIntoSync ? { decodeJpegInto, decodeJpegIntoSync } : null,
    () => null,
  );
  return loading;
}

/** Whether JPEGs are decoded by libjpeg-turbo directly here (else through sharp: the same pixels, slower). */
export async function hasNativeJpegDecoder(): Promise<boolean> {
  return (await nativeDecoder()) !== null;
}

/**
 * A grey or colour JPEG of the given (stored) size decoded by libjpeg-turbo exactly as cv2.imread decodes it, with
 * none of libvips' pipeline around it; null when the addon is not there or did not decode it cleanly (another
 * colour space, any libjpeg error or warning), so that the caller decodes the general way. EXIF orientation is the
 * caller's: only upright files come here. `onPool` forces the thread pool (tests cover both paths).
 */
export async function decodeJpegNative(
  input: Uint8Array,
  width: number,
  height: number,
  onPool = width * height > SYNC_DECODE_PIXELS,
): Promise<RgbImage | null> {
  const decoder = await nativeDecoder();
  if (!decoder) return null;
  // Uninitialised (every byte is written) and never a view into Node's shared pool.
  const bytes = Buffer.allocUnsafeSlow(width * height * 3);
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const decoded = onPool
    ? await decoder.decodeJpegInto(input, data, width, height)
    : decoder.decodeJpegIntoSync(input, data, width, height);
  return decoded ? { width, height, data } : null;
}
