/**
 * `npm run bench:validate [-- --runs N --images N --checkpoint FILE]`
 *
 * Accuracy on labelled data, Edgepack against Ultralytics' own `yolo val` on the same files and data (a validation
 * split of the detect model's synthetic scenes, tests/fixtures/generate.py make_val_set):
 *   one export:   `edgepack validate <id> --formats onnx` vs `yolo val model=model.onnx`            (target ≤ 1.1×)
 *   all formats:  `edgepack validate <id>` (checkpoint + ONNX + TorchScript + OpenVINO, one process)
 *                 vs the sum of four `yolo val` runs, one per file                                   (target ≤ 0.8×)
 * Runs alternate; medians are compared. `yolo val` gets plots=False (Edgepack draws no plots), so it is timed at its
 * fastest; Edgepack's time includes the CLI, the dataset checks, metadata.json and the database.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { offlineEnv } from '../../tests/support/toolchain';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    images: { type: 'string', default: '48' },
    checkpoint: { type: 'string' },
  },
});
const runs = Number(values.runs);
const repo = process.cwd();
const venv = readyToolchain();
const python = path.join(venv, 'bin', 'python');
const checkpoint = path.resolve(values.checkpoint ?? path.join(repo, 'tests/fixtures/models/detect.pt'));
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bench-validate-'));
const env = {
  ...process.env,
  EDGEPACK_HOME: home,
  EDGEPACK_TOOLCHAINS: path.dirname(venv),
  ...offlineEnv(home),
};

/** The toolchain environment, as `edgepack doctor` reports it (only read: a missing one is said, not installed). */
function readyToolchain(): string {
  const r = spawnSync(process.execPath, ['bin/edgepack.mjs', 'doctor', '--json'], { encoding: 'utf8' });
  const report = JSON.parse(r.stdout) as { ok: boolean; environment: { path: string } };
  if (!report.ok) throw new Error('The toolchain is not ready: run `npx edgepack doctor --fix` first.');
  return report.environment.path;
}

function run(cmd: string, args: string[], cwd = repo): { seconds: number; stdout: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  return { seconds, stdout: r.stdout };
}

const edgepack = (...args: string[]) => run(process.execPath, [path.join(repo, 'bin/edgepack.mjs'), ...args]);
const yoloDir = fs.mkdtempSync(path.join(home, 'yolo-'));
const yoloVal = (model: string) =>
  run(path.join(venv, 'bin', 'yolo'), ['val', `model=${model}`, `data=${data}`, 'plots=False'], yoloDir)
    .seconds;

const makeSet = `import sys; sys.path.insert(0, 'tests/fixtures'); from pathlib import Path; from generate import make_val_set; print(make_val_set('detect', Path(sys.argv[1]), int(sys.argv[2])))`;
const data = run(python, ['-c', makeSet, path.join(home, 'data'), values.images!]).stdout.trim();
const job = JSON.parse(
  edgepack('export', checkpoint, '--format', 'onnx,torchscript,openvino', '--json').stdout,
) as { id: string; outputDir: string; status: string };
if (job.status !== 'completed') throw new Error(`the export ended ${job.status}`);
const files = ['model.onnx', 'model.torchscript', 'model_openvino_model'].map((f) =>
  path.join(job.outputDir, f),
);
fs.copyFileSync(checkpoint, path.join(yoloDir, 'model.pt'));

console.log(`${checkpoint}, ${values.images} images, ${runs} runs each, alternating`);
const one = { edgepack: [] as number[], yolo: [] as number[] };
const all = { edgepack: [] as number[], yolo: [] as number[] };
let figures = '';
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? ['edgepack', 'yolo'] : ['yolo', 'edgepack'];
  for (const which of order) {
    if (which === 'edgepack') {
      one.edgepack.push(edgepack('validate', job.id, '--data', data, '--formats', 'onnx', '--json').seconds);
      const full = edgepack('validate', job.id, '--data', data, '--json');
      all.edgepack.push(full.seconds);
      figures = (JSON.parse(full.stdout) as { rows: { format: string; figures: unknown }[] }).rows
        .map((r) => `${r.format} ${JSON.stringify(r.figures)}`)
        .join('\n  ');
    } else {
      const onnx = yoloVal(files[0]!);
      one.yolo.push(onnx);
      all.yolo.push(onnx + yoloVal(path.join(yoloDir, 'model.pt')) + yoloVal(files[1]!) + yoloVal(files[2]!));
    }
  }
  console.log(
    `run ${i + 1}: one export ${one.edgepack.at(-1)!.toFixed(2)} s vs yolo val ${one.yolo.at(-1)!.toFixed(2)} s   ` +
      `all four ${all.edgepack.at(-1)!.toFixed(2)} s vs ${all.yolo.at(-1)!.toFixed(2)} s`,
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const line = (label: string, m: { edgepack: number[]; yolo: number[] }, target: number, what: string) => {
  const ratio = median(m.edgepack) / median(m.yolo);
  const verdict = ratio <= target ? 'met' : 'NOT met';
  console.log(
    `${label}  edgepack ${median(m.edgepack).toFixed(2)} s   ${what} ${median(m.yolo).toFixed(2)} s   ` +
      `ratio ${ratio.toFixed(3)} (target ≤ ${target}: ${verdict})`,
  );
};
console.log('');
line('one export (ONNX)        ', one, 1.1, 'yolo val');
line('checkpoint + 3 formats   ', all, 0.8, 'sum of 4 yolo val');
console.log(`figures (last run):\n  ${figures}`);
fs.rmSync(home, { recursive: true, force: true });
