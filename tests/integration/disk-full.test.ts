/**
 * Exports on a really full disk: the data folder is a small tmpfs, mounted in a private user + mount namespace
 * (`unshare --user --map-root-user --mount`, so no root is needed and nothing outside sees it), filled with a file up
 * to a few kilobytes of free space, and the real CLI exports the real checkpoint into it. Depending on how much room
 * is left the first write to fail is SQLite's (creating the job, or logging while it runs) or the converter's (the
 * ONNX file). Every way, the CLI answers with one JSON document saying DISK_FULL, nothing is left `running` or in
 * the staging folder, and once space is freed the next export works.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, repo, tmpfsAvailable } from './helpers';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-diskfull-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  /** The export after space was freed (when asked for). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  retry: any;
  /** A copy of the data folder as the full-disk run left it. */
  home: string;
}

/**
 * In the namespace: mount a 40 MB tmpfs as the data folder's disk, add the checkpoint, fill the disk up to `freeKb`,
 * export with --json, then (with `retry`) free the space and export again. The data folder is copied out at the end.
 */
function exportOnFullDisk(freeKb: number, retry: boolean): Run {
  const dir = fs.mkdtempSync(path.join(scratch, `free-${freeKb}-`));
  const mount = path.join(dir, 'disk');
  const home = path.join(mount, 'home');
  fs.mkdirSync(mount);
  const node = JSON.stringify(process.execPath);
  const cli = `${node} ${JSON.stringify(path.join(repo, 'bin', 'edgepack.mjs'))}`;
  const script = `
set -e
mount -t tmpfs -o size=40m tmpfs "${mount}"
export EDGEPACK_HOME="${home}"
${cli} models add "${fixture('models/detect.pt')}" --json > "${dir}/add.json"
id=$(${node} -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id)' "${dir}/add.json")
avail=$(df -k --output=avail "${mount}" | tail -1)
dd if=/dev/zero of="${mount}/filler" bs=1k count=$((avail - ${freeKb})) 2>/dev/null || true
set +e
${cli} export "$id" --format onnx --json > "${dir}/stdout" 2> "${dir}/stderr"
echo $? > "${dir}/code"
rm -f "${mount}/filler"
cp -a "${home}" "${dir}/home"
${retry ? `${cli} export "$id" --format onnx --json > "${dir}/retry.json" 2>/dev/null` : 'true'}
`;
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
    cwd: repo,
    env: process.env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  const parse = (text: string) => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  return {
    code: Number(read('code')),
    stdout: read('stdout'),
    stderr: read('stderr'),
    json: parse(read('stdout')),
    retry: retry ? parse(read('retry.json')) : undefined,
    home: path.join(dir, 'home'),
  };
}

function jobs(home: string): { status: string; error: string | null; log: string }[] {
  const db = new Database(path.join(home, 'edgepack.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, error, log FROM export_jobs').all() as never;
  } finally {
    db.close();
  }
}

const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

describe.skipIf(!tmpfsAvailable(scratch))(
  'export on a real full disk (a tmpfs in a private mount namespace)',
  () => {
    // Here, 40 KB is too little to record the job, at 80 KB SQLite fills up while the export runs, at 160 KB the ONNX
    // converter's write fails first; the assertions hold whichever write fails first.
    it.each([40, 80, 160])(
      '%i KB free: one JSON answer saying DISK_FULL, nothing left running or staged',
      (freeKb) => {
        const run = exportOnFullDisk(freeKb, freeKb === 80);
        expect(run.code).toBe(1);
        expect(run.stderr).not.toMatch(/SqliteError|at .*\.mjs:\d+|Node\.js v/);
        const error = run.json?.error;
        expect(error, run.stdout + run.stderr).toMatchObject({
          code: 'DISK_FULL',
          message: expect.stringMatching(/disk is full|is full/),
          hint: expect.stringMatching(/Free some space/),
        });
        if (run.json.status !== undefined) expect(run.json.status).toBe('failed');

        const rows = jobs(run.home);
        for (const row of rows) {
          expect(row.status).toBe('failed');
          expect(JSON.parse(row.error!)).toMatchObject({ code: 'DISK_FULL' });
        }
        if (run.json.status === 'failed') expect(rows).toHaveLength(1);
        expect(entries(path.join(run.home, 'exports', '.staging'))).toEqual([]);
        expect(entries(path.join(run.home, 'tmp'))).toEqual([]);
        if (run.retry !== undefined) {
          expect(run.retry).toMatchObject({ status: 'completed', isDefault: true });
        }
      },
    );
  },
);
