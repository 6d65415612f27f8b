/**
 * `npm run bench:packages [-- --runs N --big-mb 200 --calls 20 --only bundle,wrappers]`
 *
 * Packages, in sections (the runtime wrappers' section: `packages-wrappers.ts`):
 * - Bundle zip: `edgepack package <export> --target bundle --out DIR` (the CLI end to end: start-up, database, the
 *   model's conformance vectors run in ONNX Runtime, the zip deflated on every core, parallel-deflate.ts) against `zip -r` of the very
 *   same files (the bundle unzipped), median wall time of N alternating runs each, on a real export of the fixture
 *   detect model to ONNX + TorchScript, then with its TorchScript file replaced by a dummy of --big-mb MB of random
 *   bytes (incompressible: deflate's worst case). Target: ratio ≤ 1.2 on the big one, and peak memory flat: the
 *   build's peak RSS with the big file about what it is with the small one.
 * - Package targets (`packages-targets.ts`): each target's build time and size for a YOLO11n export, and all of them
 *   in one command. Target: ≤ 1.5× the slowest single target.
 */
import { randomFillSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchCheckpoint, offlineEnv, toolchainEnvPath } from '../../tests/support/toolchain';
import { median, timed, type Measure } from './measure';
import { benchTargets } from './packages-targets';
import { benchWrappers } from './packages-wrappers';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'big-mb': { type: 'string', default: '200' },
    calls: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
const bigMb = Number(values['big-mb']);
const wrapperCalls = Number(values.calls);
const repo = process.cwd();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bench-packages-'));
const env = {
  ...process.env,
  EDGEPACK_HOME: home,
  EDGEPACK_TOOLCHAINS: path.dirname(toolchainEnvPath()),
  ...offlineEnv(home),
};
const run = (cmd: string, args: string[], cwd = repo) => timed(cmd, args, { cwd, env, scratch: home });
const cli = (...args: string[]) => run(process.execPath, [path.join(repo, 'bin/edgepack.mjs'), ...args]);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Overwrites `file` with `megabytes` of random bytes, written in chunks (the bench itself stays small too). */
function fillRandom(file: string, megabytes: number): void {
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = megabytes * 1e6; left > 0; left -= chunk.length) {
      randomFillSync(chunk);
      fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    }
  } finally {
    fs.closeSync(fd);
  }
}

interface Row {
  label: string;
  zipBytes: number;
  build: Measure[];
  zip: Measure[];
}

/** N alternating runs of the bundle build and of `zip -r` over the same files. */
function compare(label: string, exportId: string): Row {
  const build: Measure[] = [];
  const zip: Measure[] = [];
  let zipBytes = 0;
  let unzipped: string | null = null;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['build', 'zip'] : ['zip', 'build'];
    for (const which of order) {
      if (which === 'build' || !unzipped) {
        const out = fs.mkdtempSync(path.join(home, 'bundle-'));
        const m = cli('package', exportId, '--target', 'bundle', '--out', out, '--json');
        const built = JSON.parse(m.stdout) as { path: string; sizeBytes: number };
        build.push(m);
        zipBytes = built.sizeBytes;
        if (!unzipped) {
          unzipped = fs.mkdtempSync(path.join(home, 'files-'));
          spawnSync('unzip', ['-q', built.path, '-d', unzipped]);
        }
        fs.rmSync(out, { recursive: true, force: true });
        if (which === 'build') continue;
      }
      const target = path.join(home, 'zip-r.zip');
      fs.rmSync(target, { force: true });
      zip.push(run('zip', ['-r', '-q', target, '.'], unzipped));
    }
  }
  return { label, zipBytes, build, zip };
}

function printRows(rows: Row[]): void {
  const secs = (ms: Measure[]) => median(ms.map((m) => m.seconds));
  const peak = (ms: Measure[]) => Math.max(...ms.map((m) => m.maxRssMb));
  for (const row of rows) {
    console.log(
      `${row.label.padEnd(42)} zip ${mb(row.zipBytes).padStart(9)}   build ${secs(row.build).toFixed(2)} s  ` +
        `zip -r ${secs(row.zip).toFixed(2)} s  ratio ${(secs(row.build) / secs(row.zip)).toFixed(2)}   ` +
        `peak RSS build ${peak(row.build).toFixed(0)} MB, zip -r ${peak(row.zip).toFixed(0)} MB`,
    );
  }
}

function bundleSection(): void {
  console.log('## Bundle zip');
  const made = cli('export', 'tests/fixtures/models/detect.pt', '--format', 'onnx,torchscript', '--json');
  const job = JSON.parse(made.stdout) as { id: string; results: { format: string; path: string }[] };
  const torchscript = job.results.find((r) => r.format === 'torchscript')!.path;
  const small = compare('detect ONNX + TorchScript (as exported)', job.id);
  fillRandom(torchscript, bigMb);
  const big = compare(`with a ${bigMb} MB dummy TorchScript file`, job.id);
  printRows([small, big]);
  const peak = (row: Row) => Math.max(...row.build.map((m) => m.maxRssMb));
  const ratio = median(big.build.map((m) => m.seconds)) / median(big.zip.map((m) => m.seconds));
  console.log(
    `build vs zip -r (${bigMb} MB)             ${ratio.toFixed(2)}× (target ≤ 1.2×; medians of ${runs} alternating runs)`,
  );
  console.log(
    `peak memory, ${bigMb} MB vs small          ${peak(big).toFixed(0)} MB vs ${peak(small).toFixed(0)} MB: ` +
      `${(peak(big) / peak(small)).toFixed(2)}× (flat: the files stream through, one open at a time)`,
  );
  console.log(
    "The build's time includes what zip -r does not: Node's start, the database, hashing every file for " +
      "manifest.json, and running the model on the conformance photos. The small bundle's ratio is that fixed cost.",
  );
}

try {
  const only = values.only?.split(',');
  if (!only || only.includes('bundle')) bundleSection();
  if (!only || only.includes('targets')) {
    console.log('\n## Package targets (YOLO11n)');
    benchTargets({ home, checkpoint: benchCheckpoint(toolchainEnvPath()), runs, cli });
  }
  if (!only || only.includes('wrappers')) {
    console.log('\n## Runtime wrappers');
    benchWrappers({ repo, env, venv: toolchainEnvPath(), cli, calls: wrapperCalls, rounds: runs });
  }
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
