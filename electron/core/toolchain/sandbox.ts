import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A checkpoint the person trusted although it needs more than the restricted loader allows is loaded by a plain
 * unpickle, which can run anything. On Linux that trainer runs inside bubblewrap: no network (every namespace
 * unshared), the whole file system read-only except the job's own folders (temporary files included), and the
 * sandbox dies with its parent. Elsewhere, or without bwrap, it runs as is — the doctor and the consent message say which.
 */
export interface SandboxStatus {
  available: boolean;
  tool: string | null;
  version: string | null;
  /** Why it is not available, and what would make it so. */
  reason: string | null;
}

let cached: SandboxStatus | null = null;

export function sandboxStatus(): SandboxStatus {
  if (cached) return cached;
  cached = probe();
  return cached;
}

/** For tests: probe again (e.g. with another PATH). */
export function resetSandboxProbe(): void {
  cached = null;
}

function probe(): SandboxStatus {
  if (process.platform !== 'linux') {
    return {
      available: false,
      tool: null,
      version: null,
      reason: `no sandbox is used on ${process.platform}`,
    };
  }
  const tool = findOnPath('bwrap');
  if (!tool) {
    return {
      available: false,
      tool: null,
      version: null,
      reason: 'bubblewrap is not installed (Debian/Ubuntu: `sudo apt-get install bubblewrap`)',
    };
  }
  const version = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout.trim() || null;
  const trial = spawnSync(tool, [...sandboxArgs([]), 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (trial.status !== 0) {
    const why = (trial.stderr || trial.error?.message || `exit ${trial.status}`).trim().split('\n')[0];
    return {
      available: false,
      tool,
      version,
      reason: `bubblewrap cannot create a sandbox here (${why}); user namespaces may be disabled`,
    };
  }
  return { available: true, tool, version, reason: null };
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * bwrap's options: the whole file system read-only (so the checkpoint, the toolchain and the trainer are readable
 * wherever they are), private /dev and /proc, the given folders writable, no namespace shared (no network). Temporary
 * files go to a folder inside the first writable one (TMPDIR), not to the machine's /tmp.
 */
export function sandboxArgs(writable: string[], cwd?: string): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  const dirs = writable.filter((d) => d !== '/').map((d) => fs.realpathSync(d));
  for (const real of dirs) args.push('--bind', real, real);
  if (dirs[0]) {
    const tmp = path.join(dirs[0], '.tmp');
    fs.mkdirSync(tmp, { recursive: true });
    args.push('--setenv', 'TMPDIR', tmp);
  }
  args.push('--unshare-all', '--die-with-parent');
  if (cwd) args.push('--chdir', fs.realpathSync(cwd));
  return args;
}

/** The command line that runs `command args` inside the sandbox, or null when none is available. */
export function sandboxed(
  command: string,
  args: string[],
  options: { writable: string[]; cwd: string },
): { command: string; args: string[] } | null {
  const status = sandboxStatus();
  if (!status.available || !status.tool) return null;
  return {
    command: status.tool,
    args: [...sandboxArgs(options.writable, options.cwd), '--', command, ...args],
  };
}
