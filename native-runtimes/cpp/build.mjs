// Builds the C++ wrapper (Release, -Wall -Wextra -Werror) against ONNX Runtime's headers (onnxruntime-sdk.mjs) and
// onnxruntime-node's library, into <cache>/edgepack/cpp-build-<key>/; used by its suite and by `npm run bench:packages`.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../scripts/runtimes-python.mjs';
import { onnxruntimeRoot } from './onnxruntime-sdk.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (r.error?.code === 'ENOENT') {
    throw new Error(
      `${cmd} is not installed: apt-get install -y cmake g++ libopencv-dev nlohmann-json3-dev libjpeg62-turbo-dev libpng-dev`,
    );
  }
  return r;
}

export function mustRun(cmd, args, options) {
  const r = run(cmd, args, options);
  if (r.status !== 0)
    throw new Error(
      `${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`,
    );
  return r;
}

/** The built `example` and `conformance` executables. */
export function buildCppWrapper() {
  const cache = cacheRoot();
  const key = crypto.createHash('sha256').update(here).digest('hex').slice(0, 12);
  const dir = path.join(cache, `cpp-build-${key}`);
  const sdk = onnxruntimeRoot(cache, repo, path.join(dir, 'onnxruntime-sdk'));
  const started = Date.now();
  mustRun('cmake', [
    '-S',
    here,
    '-B',
    dir,
    `-DONNXRUNTIME_ROOT=${sdk}`,
    '-DEDGEPACK_WERROR=ON',
    '-DCMAKE_BUILD_TYPE=Release',
  ]);
  mustRun('cmake', ['--build', dir, '-j', String(Math.min(2, os.availableParallelism()))]);
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}`);
  return { example: path.join(dir, 'example'), conformance: path.join(dir, 'conformance') };
}
