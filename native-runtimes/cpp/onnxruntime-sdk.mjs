// What the C++ suite builds against, set up without changing the system: ONNX Runtime's C/C++ API headers from
// Debian trixie's header-only libonnxruntime-dev (bookworm has none), fetched with `apt-get download` through a
// private sources list and state folder and unpacked with `dpkg -x` into the cache; and the libonnxruntime.so.1
// that onnxruntime-node ships (older headers with a newer library is the supported direction of ORT's C API).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const PACKAGE = 'libonnxruntime-dev';
const VERSION = '1.21.0+dfsg-1';
const DEB_SHA256 = '14f7d959d5deacbcf1504830d4189f91fc67382b399ed9ae9d3aa9c4050ced08';
const SOURCE =
  'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.error?.code === 'ENOENT')
    throw new Error(`${cmd} is not installed (the C++ suite needs Debian's apt tools).`);
  if (r.status !== 0) {
    throw new Error(
      `${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stderr || r.stdout}`,
    );
  }
}

/** The folder holding onnxruntime_cxx_api.h, fetched once into `cache`. */
export function onnxruntimeHeaders(cache) {
  const headers = path.join(cache, `onnxruntime-headers-${VERSION}`);
  if (fs.existsSync(path.join(headers, 'onnxruntime_cxx_api.h'))) return headers;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-ort-headers-'));
  try {
    const sources = path.join(work, 'sources.list');
    fs.writeFileSync(sources, `${SOURCE}\n`);
    for (const dir of ['state/lists/partial', 'cache/archives/partial']) {
      fs.mkdirSync(path.join(work, dir), { recursive: true });
    }
    const apt = [
      '-o',
      `Dir::Etc::sourcelist=${sources}`,
      '-o',
      'Dir::Etc::sourceparts=-',
      '-o',
      `Dir::State=${path.join(work, 'state')}`,
      '-o',
      `Dir::Cache=${path.join(work, 'cache')}`,
      '-o',
      'Debug::NoLocking=1',
      '-o',
      'APT::Sandbox::User=root',
    ];
    console.log(
      `Fetching ${PACKAGE} ${VERSION} (ONNX Runtime's C++ headers) from Debian trixie into ${headers}`,
    );
    run('apt-get', [...apt, '-qq', 'update'], work);
    run('apt-get', [...apt, '-qq', 'download', `${PACKAGE}=${VERSION}`], work);
    const deb = fs.readdirSync(work).find((f) => f.endsWith('.deb'));
    const digest = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(work, deb)))
      .digest('hex');
    if (digest !== DEB_SHA256) throw new Error(`${deb} has sha256 ${digest}, not the pinned ${DEB_SHA256}.`);
    run('dpkg', ['-x', deb, 'unpacked'], work);
    fs.mkdirSync(cache, { recursive: true });
    const staged = `${headers}.partial-${process.pid}`;
    fs.cpSync(path.join(work, 'unpacked/usr/include/onnxruntime'), staged, { recursive: true });
    fs.rmSync(headers, { recursive: true, force: true });
    fs.renameSync(staged, headers);
    return headers;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** onnxruntime-node's libonnxruntime.so.1 (Linux x64: what the reference runtime and `edgepack predict` load). */
export function onnxruntimeLibrary(repo) {
  const require = createRequire(path.join(repo, 'native-runtimes/typescript/package.json'));
  const root = path.dirname(require.resolve('onnxruntime-node/package.json'));
  const library = path.join(root, 'bin/napi-v6', process.platform, process.arch, 'libonnxruntime.so.1');
  if (!fs.existsSync(library)) {
    throw new Error(
      `No ${library}: the C++ suite runs on Linux x64 with onnxruntime-node installed (npm ci).`,
    );
  }
  return library;
}

/** A folder laid out for -DONNXRUNTIME_ROOT: include/ (the headers) and lib/libonnxruntime.so.1. */
export function onnxruntimeRoot(cache, repo, into) {
  fs.mkdirSync(path.join(into, 'lib'), { recursive: true });
  link(onnxruntimeHeaders(cache), path.join(into, 'include'));
  link(onnxruntimeLibrary(repo), path.join(into, 'lib/libonnxruntime.so.1'));
  return into;
}

/** A symlink at `at` to `target`, left alone when it already is one (so an unchanged build does not relink). */
function link(target, at) {
  let current = null;
  try {
    current = fs.readlinkSync(at);
  } catch {
    // not there yet
  }
  if (current === target) return;
  fs.rmSync(at, { recursive: true, force: true });
  fs.symlinkSync(target, at);
}
