/**
 * Decodes a grey, YCbCr or RGB JPEG of exactly width × height into `output` (RGB, width × height × 3 bytes) as
 * cv2.imread does; false when it did not (another colour space or size, or any libjpeg error or warning).
 * Null when the native decoder was not built.
 */
export declare const decodeJpegInto:
  ((input: Uint8Array, output: Uint8Array, width: number, height: number) => Promise<boolean>) | null;

/** decodeJpegInto on the calling thread (no hand-off to libuv's pool): for small images. */
export declare const decodeJpegIntoSync:
  ((input: Uint8Array, output: Uint8Array, width: number, height: number) => boolean) | null;
