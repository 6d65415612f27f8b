// The native decoder, or null when it was not built (see build.mjs).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function load() {
  try {
    return require('./build/Release/decode_jpeg.node').decodeJpegInto;
  } catch {
    return null;
  }
}

export const decodeJpegInto = load();
