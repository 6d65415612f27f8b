import { spawn } from 'node:child_process';
import type { AppErrorShape } from '../../contract';
import {
  errorFromEvent,
  LineSplitter,
  parseTrainerLine,
  type ParsedLine,
  type ResultEvent,
  type TrainerEvent,
} from './protocol';
import { signalGroup, terminateGroup } from './processes';
import { sandboxed } from './sandbox';

export interface TrainerSpec {
  python: string;
  script: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Run inside the sandbox (see sandbox.ts), writable only in these folders; for a trusted checkpoint that the
   * restricted loader refused. Where no sandbox is available the trainer runs as is: `sandboxed` on the process says.
   */
  sandbox?: { writable: string[] };
  /** Every parsed stdout event. */
  onEvent?: (event: TrainerEvent) => void;
  /** Every line worth keeping, stdout events and text and all of stderr, in arrival order. */
  onLine?: (parsed: ParsedLine, stream: 'stdout' | 'stderr') => void;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  result: ResultEvent | null;
  error: AppErrorShape | null;
  /** Set when the process could not be started at all. */
  spawnError: Error | null;
  /** The last lines of stderr, to explain a crash. */
  stderrTail: string[];
  cancelled: boolean;
}

export interface TrainerProcess {
  pid: number;
  /** True when the trainer runs inside the sandbox. */
  sandboxed: boolean;
  /** The trainer leads its own process group; cancelling signals all of it (-pgid). */
  pgid: number;
  exited: Promise<TrainerExit>;
  cancel(graceMs?: number): Promise<void>;
}

const STDERR_TAIL = 40;

/**
 * Starts a trainer DETACHED in its own process group and parses its JSON-lines stdout.
 * When it exits, anything left in its group is killed, so no process outlives the job.
 */
export function startTrainer(spec: TrainerSpec): TrainerProcess {
  const plain = { command: spec.python, args: [spec.script, ...(spec.args ?? [])] };
  const inSandbox = spec.sandbox
    ? sandboxed(plain.command, plain.args, { writable: spec.sandbox.writable, cwd: spec.cwd })
    : null;
  const { command, args } = inSandbox ?? plain;
  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: ResultEvent | null = null;
  let error: AppErrorShape | null = null;
  let spawnError: Error | null = null;
  let cancelled = false;
  const stderrTail: string[] = [];

  const handle = (line: string, stream: 'stdout' | 'stderr') => {
    const parsed: ParsedLine = stream === 'stdout' ? parseTrainerLine(line) : { kind: 'text', line };
    if (stream === 'stderr') {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
    }
    if (parsed.kind === 'event') {
      if (parsed.event.event === 'result') result = parsed.event;
      if (parsed.event.event === 'error') error = errorFromEvent(parsed.event);
      spec.onEvent?.(parsed.event);
    }
    spec.onLine?.(parsed, stream);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const splitter = new LineSplitter();
    const source = child[stream];
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => splitter.push(chunk).forEach((line) => handle(line, stream)));
    source.on('end', () => splitter.end().forEach((line) => handle(line, stream)));
  }

  const pid = child.pid ?? -1;
  const exited = new Promise<TrainerExit>((resolve) => {
    child.on('error', (err) => {
      spawnError = err;
      // 'close' still follows when stdio was set up; resolve here for the spawn-failure case where it may not.
      if (child.pid === undefined) {
        resolve({ code: null, signal: null, result, error, spawnError, stderrTail, cancelled });
      }
    });
    child.on('close', (code, signal) => {
      if (pid > 0) signalGroup(pid, 'SIGKILL');
      resolve({ code, signal, result, error, spawnError, stderrTail, cancelled });
    });
  });

  return {
    pid,
    sandboxed: inSandbox !== null,
    pgid: pid,
    exited,
    async cancel(graceMs = 5000) {
      cancelled = true;
      if (pid > 0) await terminateGroup(pid, graceMs);
    },
  };
}
