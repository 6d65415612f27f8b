import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertCliJson } from './cli-json';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = path.join(repo, 'tests', 'fixtures');
const bin = path.join(repo, 'bin', 'edgepack.mjs');

export interface Manifest {
  images: string[];
  entries: {
    file: string;
    what?: string;
    expect: { task?: string; names?: string[]; imgsz?: number[]; error?: string };
    trusted?: { task: string; names: string[] };
  }[];
}

export const manifest = JSON.parse(
  fs.readFileSync(path.join(fixturesDir, 'manifest.json'), 'utf8'),
) as Manifest;
export const fixture = (file: string) => path.join(fixturesDir, file);
export const modelFixtures = manifest.entries.filter((e) => e.expect.task);
export const badFixtures = manifest.entries.filter((e) => e.expect.error);

const homes: string[] = [];
/** A fresh, empty data folder (EDGEPACK_HOME); all are removed by `removeHomes`. */
export function freshHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-it-'));
  homes.push(home);
  return home;
}
export function removeHomes(): void {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
}

function cliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, EDGEPACK_HOME: home, ...extra };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * Runs `edgepack <args>` to completion (as a person would, through bin/edgepack.mjs). With --json, what it printed is
 * checked against the command's JSON Schema (resources/schemas/cli/; see cli-json.ts).
 */
export function cli(home: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env: cliEnv(home, extraEnv),
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const json = parseJson(r.stdout);
  assertCliJson(args, r.stdout, json);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Background {
  child: ChildProcess;
  done: Promise<CliRun>;
}

/** Starts `edgepack <args>` in the background, so a test can act while it runs (its --json checked as cli's). */
export function startCli(home: string, args: string[]): Background {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repo,
    env: cliEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) =>
    child.on('close', (code) => {
      const json = parseJson(stdout);
      try {
        assertCliJson(args, stdout, json);
      } catch (error) {
        reject(error);
        return;
      }
      resolve({ code, stdout, stderr, json });
    }),
  );
  return { child, done };
}

export interface JobRow {
  id: string;
  status: string;
  pid: number | null;
  pgid: number | null;
  progress_stage: string;
  output_dir: string | null;
  log: string;
}

/**
 * The export jobs as the database holds them (read-only; WAL lets us read while the CLI writes). None while the CLI
 * is still creating the database (the file exists before its migrations have made the table).
 */
export function jobRows(home: string): JobRow[] {
  const file = path.join(home, 'edgepack.db');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const made = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'export_jobs'")
      .get();
    if (!made) return [];
    return db.prepare('SELECT * FROM export_jobs ORDER BY created_at').all() as JobRow[];
  } finally {
    db.close();
  }
}

export async function waitFor<T>(
  probe: () => T | null | undefined | false,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when no process of the group is left (zombies awaiting their reaper count as gone). */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return true;
  }
  const members = fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return { state: fields[0], pgrp: Number(fields[2]) };
      } catch {
        return null;
      }
    })
    .filter((p) => p && p.pgrp === pgid);
  return members.every((p) => p!.state === 'Z');
}

export function sha256(file: string): string {
  return spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0]!;
}

export function toolchainPython(): string {
  const python = process.env['EDGEPACK_TEST_PYTHON'];
  if (!python) throw new Error('EDGEPACK_TEST_PYTHON is set by tests/setup/toolchain.ts');
  return python;
}

/** Whether this machine lets an unprivileged user mount a tmpfs in its own namespaces (Linux with user namespaces). */
export function tmpfsAvailable(scratch: string): boolean {
  const probe = path.join(scratch, 'probe');
  fs.mkdirSync(probe, { recursive: true });
  const r = spawnSync(
    'unshare',
    ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs ${probe}`],
    { encoding: 'utf8' },
  );
  return r.status === 0;
}

/** A labelled val set of the detect model's own kind of scenes, unseen in training (generate.py make_val_set). */
export function makeValSet(root: string): string {
  const code = `import sys; sys.path.insert(0, 'tests/fixtures'); from pathlib import Path; from generate import make_val_set; print(make_val_set('detect', Path(sys.argv[1])))`;
  const r = spawnSync(toolchainPython(), ['-c', code, root], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}
