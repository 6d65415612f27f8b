/**
 * The runtime wrappers' section of `npm run bench:packages`: one photo (bus.jpg) through the benchmark's YOLO11n
 * (`bench-model.ts`) exported to ONNX at 640 px, per image once loaded (decode → predictions; model loading left out
 * of all three), median ms of N calls in each program, the three programs alternating for R rounds:
 * - the Python wrapper (`example.py --repeat N`, its own venv) against Ultralytics' `YOLO(onnx).predict` (toolchain):
 *   target ≤ 0.8×;
 * - the C++ example (`example --repeat N`, Release build) against the Python wrapper: target ≤ 0.5×, and its pre- +
 *   post-processing against its inference: target ≤ 10 %.
 * And end to end as a person runs them: the whole process from start to printed predictions (imports, model load,
 * one photo) — `example.py photo --json`, a script calling `YOLO(onnx).predict(photo)`, `example photo --json`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
// @ts-expect-error -- plain ESM helper without types
import { buildCppWrapper } from '../../native-runtimes/cpp/build.mjs';
// @ts-expect-error -- plain ESM helper without types
import { runtimesPython } from '../runtimes-python.mjs';
import { benchModel } from './bench-model';
import { median } from './measure';

type Stages = { decode: number; preprocess: number; inference: number; postprocess: number; total: number };

function json(cmd: string, args: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  // Ultralytics may print a line of its own first (its settings file): the answer is the last JSON document.
  const start = r.stdout.trimEnd().lastIndexOf('\n{');
  return JSON.parse(start < 0 ? r.stdout : r.stdout.slice(start + 1)) as Record<string, unknown>;
}

/** Wall seconds of one whole run of a command (start to exit). */
function seconds(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const medianOf = (rows: Stages[], key: keyof Stages) => median(rows.map((r) => r[key]));

export function benchWrappers(options: {
  repo: string;
  env: NodeJS.ProcessEnv;
  venv: string;
  cli: (...args: string[]) => { stdout: string };
  calls: number;
  rounds: number;
}): void {
  const { repo, env, venv, calls, rounds } = options;
  const exported = JSON.parse(
    options.cli('export', benchModel(venv), '--format', 'onnx', '--imgsz', '640', '--json').stdout,
  );
  const onnx: string = exported.results.find((r: { format: string }) => r.format === 'onnx').path;
  const metadata = path.join(path.dirname(onnx), 'metadata.json');
  const photo = path.join(repo, 'native-runtimes/typescript/test-images/bus.jpg');
  const python = runtimesPython() as string;
  const cpp = (buildCppWrapper() as { example: string }).example;
  const n = String(calls);

  // The three programs, as a person runs them on this model and photo; `--repeat N` (or N) times them per image.
  const pythonExample = [
    path.join(repo, 'native-runtimes/python/example.py'),
    photo,
    '--model',
    onnx,
    '--metadata',
    metadata,
  ];
  const yoloScript = (runs: string) => [
    path.join(repo, 'scripts/bench/packages_ultralytics.py'),
    onnx,
    photo,
    runs,
  ];
  const toolchainPython = path.join(venv, 'bin', 'python');

  const wrapperPy: Stages[] = [];
  const wrapperCpp: Stages[] = [];
  const ultralytics: number[] = [];
  const cold = { python: [] as number[], ultralytics: [] as number[], cpp: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    wrapperPy.push(json(python, [...pythonExample, '--repeat', n], env).median_ms as Stages);
    ultralytics.push(json(toolchainPython, yoloScript(n), env).total as number);
    cold.python.push(seconds(python, [...pythonExample, '--json'], env));
    cold.ultralytics.push(seconds(toolchainPython, yoloScript('0'), env));
    cold.cpp.push(seconds(cpp, [onnx, metadata, photo, '--json'], env));
    wrapperCpp.push(json(cpp, [onnx, metadata, photo, '--repeat', n], env).median_ms as Stages);
  }

  const row = (label: string, rows: Stages[]) =>
    `  ${label.padEnd(16)} ${(['decode', 'preprocess', 'inference', 'postprocess', 'total'] as const)
      .map((k) => medianOf(rows, k).toFixed(1).padStart(12))
      .join('')}`;
  const pyTotal = medianOf(wrapperPy, 'total');
  const cppTotal = medianOf(wrapperCpp, 'total');
  const yoloTotal = median(ultralytics);
  const cppPrePost = medianOf(wrapperCpp, 'preprocess') + medianOf(wrapperCpp, 'postprocess');
  console.log(
    `\nRuntime wrappers — YOLO11n ONNX at 640 px on bus.jpg, median ms of ${calls} calls × ${rounds} rounds`,
  );
  console.log(
    `  ${''.padEnd(16)} ${['decode', 'preprocess', 'inference', 'postprocess', 'total'].map((k) => k.padStart(12)).join('')}`,
  );
  console.log(row('Python wrapper', wrapperPy));
  console.log(row('C++ example', wrapperCpp));
  console.log(`  ${'YOLO().predict'.padEnd(16)} ${''.padStart(48)}${yoloTotal.toFixed(1).padStart(12)}`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `  Python wrapper / Ultralytics: ${(pyTotal / yoloTotal).toFixed(2)}× (target ≤ 0.8: ${verdict(pyTotal / yoloTotal <= 0.8)})`,
  );
  console.log(
    `  C++ example / Python wrapper: ${(cppTotal / pyTotal).toFixed(2)}× (target ≤ 0.5: ${verdict(cppTotal / pyTotal <= 0.5)})`,
  );
  const share = cppPrePost / medianOf(wrapperCpp, 'inference');
  console.log(
    `  C++ pre + post / inference: ${(share * 100).toFixed(1)} % (target ≤ 10 %: ${verdict(share <= 0.1)})`,
  );
  const [py, yolo, cc] = [median(cold.python), median(cold.ultralytics), median(cold.cpp)];
  console.log(
    `\nEnd to end, one process per photo (start, imports, model load, bus.jpg, predictions printed), median of ${rounds}`,
  );
  console.log(
    `  example.py ${py.toFixed(2)} s   YOLO(onnx).predict script ${yolo.toFixed(2)} s   C++ example ${cc.toFixed(2)} s`,
  );
  console.log(
    `  Python wrapper / Ultralytics: ${(py / yolo).toFixed(2)}× (target ≤ 0.8: ${verdict(py / yolo <= 0.8)})`,
  );
  console.log(
    `  C++ example / Python wrapper: ${(cc / py).toFixed(2)}× (target ≤ 0.5: ${verdict(cc / py <= 0.5)})`,
  );
}
