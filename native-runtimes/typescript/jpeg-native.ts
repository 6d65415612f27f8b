import type { RgbImage } from './image';

type DecodeJpegInto = (
  input: Uint8Array,
  output: Uint8Array,
  width: number,
  height: number,
) => Promise<boolean>;

let loading: Promise<DecodeJpegInto | null> | null = null;

/** libjpeg-turbo's decoder (the @edgepack/jpeg-turbo addon), or null where it was not built. */
function nativeDecoder(): Promise<DecodeJpegInto | null> {
  loading ??= import('@edgepack/jpeg-turbo').then(
    (module) => module.decodeJpegInto,
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
 * caller's: only upright files come here.
 */
export async function decodeJpegNative(
  input: Uint8Array,
  width: number,
  height: number,
): Promise<RgbImage | null> {
  const decode = await nativeDecoder();
  if (!decode) return null;
  // Uninitialised (every byte is written) and never a view into Node's shared pool.
  const bytes = Buffer.allocUnsafeSlow(width * height * 3);
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return (await decode(input, data, width, height)) ? { width, height, data } : null;
}
