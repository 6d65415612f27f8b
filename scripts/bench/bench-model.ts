/** The realistic benchmark checkpoint: a full-size YOLO11n trained once by the fixture generator and cached. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** `.cache/bench/yolo11n-shapes-320.pt`, trained first (a few minutes) with the toolchain at `venv` if missing. */
export function benchModel(venv: string): string {
  const file = path.resolve('.cache/bench/yolo11n-shapes-320.pt');
  if (fs.existsSync(file) && fs.existsSync(path.resolve('tests/fixtures/data/bench/data.yaml'))) return file;
  console.log('training the benchmark model once (YOLO11n on generated scenes, a few minutes)…');
  const r = spawnSync(path.join(venv, 'bin', 'python'), ['tests/fixtures/generate.py', '--bench-model'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0 || !fs.existsSync(file)) throw new Error('could not train the benchmark model');
  return file;
}
