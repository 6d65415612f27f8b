// The native decoder, or null when it was not built (see build.mjs).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function load() {
  try {
    return require('./build/Release/decode_jpeg.node');
  } catch {
    return null;
  }
}

const binding = load();
export const decodeJpegInto = binding ? binding.decodeJpegInto : null;
export const decodeJpegIntoSync = binding ? binding.decodeJpegIntoSync : null;
