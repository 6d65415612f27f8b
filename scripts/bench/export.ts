/**
 * `npm run bench:export [-- --runs N --checkpoint FILE --imgsz N]`
 *
 * Exports the same checkpoint to ONNX through Edgepack (the CLI: trainer subprocess, parity check, metadata, database)
 * and through Ultralytics' own `yolo export format=onnx`, alternating, and prints the median wall-time ratio
 * (target ≤ 1.05) and each one's peak memory (max RSS of the largest process in the tree, from wait4's rusage).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchCheckpoint, offlineEnv, toolchainEnvPath } from '../../tests/support/toolchain';
import { median, timed, type Measure } from './measure';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    checkpoint: { type: 'string' },
    imgsz: { type: 'string', default: '640' },
  },
});
const runs = Number(values.runs);
const imgsz = values.imgsz ?? '640';
const venv = toolchainEnvPath();
const checkpoint = values.checkpoint ?? benchCheckpoint(venv);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bench-'));
// A fresh data folder per benchmark, sharing the toolchain environment already made.
const env = {
  ...process.env,
  EDGEPACK_HOME: home,
  EDGEPACK_TOOLCHAINS: path.dirname(venv),
  ...offlineEnv(home),
};

const repo = process.cwd();
const run = (cmd: string, args: string[], cwd: string) => timed(cmd, args, { cwd, env, scratch: home });
const cli = (...args: string[]) =>
  run(process.execPath, [path.join(repo, 'bin/edgepack.mjs'), ...args], repo);

const added = JSON.parse(cli('models', 'add', checkpoint, '--json').stdout) as { id: string };
const yoloDir = fs.mkdtempSync(path.join(home, 'yolo-'));
const yoloCheckpoint = path.join(yoloDir, path.basename(checkpoint));
fs.copyFileSync(checkpoint, yoloCheckpoint);

const edgepack: Measure[] = [];
const yolo: Measure[] = [];
const parity: string[] = [];
console.log(
  `checkpoint ${checkpoint} (${(fs.statSync(checkpoint).size / 1e6).toFixed(1)} MB), imgsz ${imgsz}, ${runs} runs each, alternating`,
);
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? ['edgepack', 'yolo'] : ['yolo', 'edgepack'];
  for (const which of order) {
    if (which === 'edgepack') {
      const m = cli('export', added.id, '--format', 'onnx', '--imgsz', imgsz, '--json');
      const job = JSON.parse(m.stdout) as {
        status: string;
        results: { parity: Record<string, unknown> | null }[];
      };
      if (job.status !== 'completed') throw new Error(`Edgepack export ended ${job.status}`);
      parity.push(JSON.stringify(job.results[0]?.parity));
      edgepack.push(m);
    } else {
      yolo.push(
        run(
          path.join(venv, 'bin', 'yolo'),
          ['export', `model=${yoloCheckpoint}`, 'format=onnx', `imgsz=${imgsz}`],
          yoloDir,
        ),
      );
    }
  }
  const last = (xs: Measure[]) => xs[xs.length - 1]!;
  console.log(
    `run ${i + 1}: edgepack ${last(edgepack).seconds.toFixed(2)} s (${last(edgepack).maxRssMb.toFixed(0)} MB)  ` +
      `yolo ${last(yolo).seconds.toFixed(2)} s (${last(yolo).maxRssMb.toFixed(0)} MB)`,
  );
}

const ratio = median(edgepack.map((m) => m.seconds)) / median(yolo.map((m) => m.seconds));
const pairRatios = edgepack.map((m, i) => m.seconds / yolo[i]!.seconds);
console.log('');
console.log(
  `median wall time   edgepack ${median(edgepack.map((m) => m.seconds)).toFixed(2)} s   yolo export ${median(yolo.map((m) => m.seconds)).toFixed(2)} s`,
);
console.log(
  `median ratio       ${ratio.toFixed(3)} (median of per-pair ratios ${median(pairRatios).toFixed(3)}; target ≤ 1.05)`,
);
console.log(
  `peak memory        edgepack ${Math.max(...edgepack.map((m) => m.maxRssMb)).toFixed(0)} MB   yolo export ${Math.max(...yolo.map((m) => m.maxRssMb)).toFixed(0)} MB`,
);
console.log(`edgepack parity    ${parity[parity.length - 1]}`);
console.log(
  `Edgepack's time includes what yolo export does not: the parity check, metadata.json and the database.`,
);
fs.rmSync(home, { recursive: true, force: true });
