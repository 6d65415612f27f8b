#!/usr/bin/env node
// Builds the libjpeg-turbo decoder (node-gyp; `npm ci` runs this as the package's install step). Needs a C compiler
// and libjpeg-turbo's headers and library (Debian: libjpeg62-turbo-dev; it links libjpeg.so.62). Without them the
// package still installs: the runtime then decodes JPEGs through sharp (libvips), with the same pixels, only slower.
// Linux only for now (binding.gyp builds nothing elsewhere, so the same fallback applies on macOS and Windows).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function nodeGyp() {
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return ['node-gyp']; // npm puts its own on PATH for install scripts
  }
}

// The headers of the Node that runs this, when it has them (Debian's nodejs does), so nothing is downloaded.
const env = { ...process.env };
const localHeaders = path.resolve(path.dirname(process.execPath), '..');
if (!env.npm_config_nodedir && fs.existsSync(path.join(localHeaders, 'include', 'node', 'common.gypi')))
  env.npm_config_nodedir = localHeaders;

const [command, ...args] = nodeGyp();
const r = spawnSync(command, [...args, 'rebuild'], { cwd: here, env, stdio: 'inherit' });
if (r.status !== 0) {
  console.warn(
    '\n@edgepack/jpeg-turbo: the native JPEG decoder was not built; JPEGs will be decoded through sharp (same ' +
      'pixels, 2–4× slower).\n  To build it: install a C compiler and libjpeg-turbo (Debian/Ubuntu: apt-get install ' +
      'build-essential libjpeg62-turbo-dev), then run `npm rebuild @edgepack/jpeg-turbo`.\n',
  );
}
