/**
 * `models add` killed while the trainer inspects the checkpoint leaves its scratch folder (`<home>/tmp/inspect-…`);
 * the next command removes it, but never the folder of an inspection another CLI is running at that moment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture, freshHome, removeHomes, startCli, waitFor } from './helpers';

afterAll(removeHomes);

const checkpoint = fixture('models/detect.pt');
const inspections = (home: string) => {
  const tmp = path.join(home, 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((n) => n.startsWith('inspect-')) : [];
};

/** Stops trainers still working in a scratch folder (the killed CLI's orphan), so nothing outlives the test. */
function stopTrainersIn(dir: string): void {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`OUTPUT_DIR=${dir}`))
        process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone, or not ours */
    }
  }
}

describe('scratch folders of `models add`', () => {
  it('a CLI killed during the inspection leaves its folder; the next command removes it', async () => {
    const home = freshHome();
    const run = startCli(home, ['models', 'add', checkpoint, '--json']);
    const [name] = await waitFor(() => inspections(home).length > 0 && inspections(home), 'the inspection');
    run.child.kill('SIGKILL');
    await run.done;
    const dir = path.join(home, 'tmp', name!);
    try {
      expect(fs.existsSync(dir)).toBe(true); // nobody was left to remove it

      const next = cli(home, ['models', 'list', '--json']);
      expect(next.code).toBe(0);
      expect(next.json).toEqual([]);
      expect(fs.existsSync(dir)).toBe(false);
      expect(name).toMatch(new RegExp(`^inspect-${run.child.pid}-`)); // named after its owner
    } finally {
      stopTrainersIn(dir);
    }
  });

  it('another command meanwhile leaves a running inspection alone, and it completes', async () => {
    const home = freshHome();
    const run = startCli(home, ['models', 'add', checkpoint, '--json']);
    const [name] = await waitFor(() => inspections(home).length > 0 && inspections(home), 'the inspection');
    const concurrent = cli(home, ['models', 'list', '--json']);
    expect(concurrent.code).toBe(0);
    expect(inspections(home)).toContain(name);
    const added = await run.done;
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({ framework: 'ultralytics', task: 'detect' });
    expect(inspections(home)).toEqual([]);
  });
});
