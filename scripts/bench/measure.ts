/** What the benchmarks measure a command with: wall time and peak memory under GNU time, and medians. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type Measure = { seconds: number; maxRssMb: number };

/**
 * Runs a command under GNU time (its stats file in `scratch`), returning wall seconds and peak RSS (of the largest
 * process in the tree, from wait4's rusage); exits on failure so a broken run never counts.
 */
export function timed(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; scratch: string },
): Measure & { stdout: string } {
  const stats = path.join(options.scratch, 'time.txt');
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', stats, cmd, ...args], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  const maxRssKb = Number(fs.readFileSync(stats, 'utf8').trim().split('\n').pop());
  return { seconds, maxRssMb: maxRssKb / 1024, stdout: r.stdout };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
