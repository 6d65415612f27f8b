/**
 * The package targets' section of `npm run bench:packages`: a YOLO11n export (the benchmark's untrained checkpoint,
 * to ONNX, CoreML and TFLite, so every target can be built) packaged per target (`edgepack package --target T
 * --out DIR`), median wall time of N runs and the zip's size each; then `--target all` (every target in one
 * command, built concurrently). Target: all ≤ 1.5× the slowest single target.
 */
import fs from 'node:fs';
import path from 'node:path';
import { median, type Measure } from './measure';

interface Built {
  target: string;
  path: string;
  sizeBytes: number;
}

export interface TargetsBench {
  home: string;
  checkpoint: string;
  runs: number;
  cli: (...args: string[]) => Measure & { stdout: string };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function benchTargets({ home, checkpoint, runs, cli }: TargetsBench): void {
  const made = cli('export', checkpoint, '--format', 'onnx,coreml,tflite', '--json');
  const job = JSON.parse(made.stdout) as { id: string; status: string };
  if (job.status !== 'completed')
    throw new Error(`the YOLO11n export ${job.status}: ${made.stdout.slice(0, 2000)}`);
  const build = (target: string) => {
    const out = fs.mkdtempSync(path.join(home, `package-${target}-`));
    try {
      const m = cli('package', job.id, '--target', target, '--out', out, '--json');
      return { m, answer: JSON.parse(m.stdout) as Built | { built: Built[] } };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  };
  const targets = ['bundle', 'ios', 'android', 'docker'];
  const singles = targets.map((target) => {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < runs; i++) {
      const { m, answer } = build(target);
      times.push(m.seconds);
      size = (answer as Built).sizeBytes;
    }
    console.log(`${target.padEnd(10)} ${median(times).toFixed(2)} s   ${mb(size).padStart(9)}`);
    return median(times);
  });
  const all: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const { m, answer } = build('all');
    all.push(m.seconds);
    count = (answer as { built: Built[] }).built.length;
  }
  const slowest = Math.max(...singles);
  console.log(
    `all (${count} targets) ${median(all).toFixed(2)} s: ${(median(all) / slowest).toFixed(2)}× the slowest single ` +
      `target (target ≤ 1.5×; medians of ${runs} runs; each single run pays Node's start and the database too)`,
  );
}
