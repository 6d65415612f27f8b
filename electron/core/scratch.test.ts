import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore } from './index';
import { DataPaths } from './paths';
import { INSPECT_MAX_MS, inspectScratch, removeStaleScratch } from './scratch';
import { processStartToken } from './toolchain/processes';

let home: string;
let paths: DataPaths;
let sleeper: ChildProcess | null = null;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-scratch-'));
  paths = new DataPaths(home);
});
afterEach(() => {
  sleeper?.kill('SIGKILL');
  sleeper = null;
  fs.rmSync(home, { recursive: true, force: true });
});

const uuid = '0b9f4c1e-2a7d-4e3b-9c55-1f2e3d4c5b6a';
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
function folder(name: string, ageMs = 0): string {
  const dir = paths.scratch(name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'partial'), 'x');
  if (ageMs) {
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(dir, then, then);
  }
  return dir;
}
const left = () => fs.readdirSync(path.dirname(paths.scratch('x'))).sort();

describe('stale scratch folders (a CLI killed during `models add` or an export)', () => {
  it("names an inspection's folder after its owner process (pid and start time)", () => {
    const name = path.basename(inspectScratch(paths, uuid));
    expect(name).toBe(`inspect-${process.pid}-${processStartToken(process.pid) ?? 'x'}-${uuid}`);
  });

  it('removes those of dead owners and ended jobs, never one a live app or CLI is using', async () => {
    sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => sleeper!.once('spawn', resolve));
    const otherLive = sleeper.pid!;
    const dead = deadPid();

    folder(path.basename(inspectScratch(paths, uuid))); // ours, in use
    folder(`inspect-${otherLive}-${processStartToken(otherLive) ?? 'x'}-${uuid}`); // a concurrent CLI's
    folder(`inspect-${dead}-${processStartToken(process.pid) ?? 'x'}-${uuid}`); // its CLI was killed
    // The pid is alive but it is another process now (pid reused): the owner is gone.
    if (processStartToken(otherLive)) folder(`inspect-${otherLive}-1-${uuid}`);
    folder(`inspect-${uuid}`, INSPECT_MAX_MS + 60_000); // older naming, older than any inspection: stale
    folder(`inspect-${uuid.replace('0b9f', '1111')}`); // older naming, recent: may still be in use
    folder('export-running-job');
    folder('export-ended-job');
    folder('something-else');

    const removed = removeStaleScratch(paths, (id) => id === 'running-job');
    expect(removed.sort()).toEqual(
      [
        `inspect-${dead}-${processStartToken(process.pid) ?? 'x'}-${uuid}`,
        ...(processStartToken(otherLive) ? [`inspect-${otherLive}-1-${uuid}`] : []),
        `inspect-${uuid}`,
        'export-ended-job',
      ].sort(),
    );
    expect(left()).toEqual(
      [
        path.basename(inspectScratch(paths, uuid)),
        `inspect-${otherLive}-${processStartToken(otherLive) ?? 'x'}-${uuid}`,
        `inspect-${uuid.replace('0b9f', '1111')}`,
        'export-running-job',
        'something-else',
      ].sort(),
    );
  });

  it('are cleaned when the core starts (the next `edgepack` command or app start)', async () => {
    const stale = folder(`inspect-${deadPid()}-1-${uuid}`);
    const core = await createCore({ home, toolchainsDir: path.join(home, 'toolchains') });
    try {
      expect(fs.existsSync(stale)).toBe(false);
    } finally {
      await core.close();
    }
  });
});
