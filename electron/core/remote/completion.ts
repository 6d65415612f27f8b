import path from 'node:path';
import type { AppErrorShape } from '../../contract';
import { errorFromEvent, parseTrainerLine, type ResultEvent } from '../toolchain/protocol';
import type { ArtifactsDigest } from './object-store';

export type Completion =
  | {
      event: 'result';
      result: ResultEvent;
      artifacts: ArtifactsDigest | null;
      outputDir: string;
      exitCode: number;
    }
  | {
      event: 'error';
      error: AppErrorShape;
      /** The result reported before the error (every format failed, say), for its per-format outcome. */
      result: ResultEvent | null;
      outputDir: string;
      exitCode: number;
    };

/**
 * The trainer's completion as the platform kept it: its `result` or `error` protocol event plus `output_dir` (the
 * folder as the pod saw it) and `artifacts` ({bytes, sha256} of the archive it PUT).
 */
export function completionOf(raw: unknown, podOutput: string): Completion {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const { output_dir: pod, artifacts, exit_code: code, result: earlier, ...event } = body;
  const outputDir = typeof pod === 'string' && pod ? pod : podOutput;
  const parsed = parseTrainerLine(JSON.stringify(event));
  if (parsed.kind === 'event' && parsed.event.event === 'error') {
    const before = parseTrainerLine(JSON.stringify(earlier ?? null));
    return {
      event: 'error',
      error: errorFromEvent(parsed.event),
      result: before.kind === 'event' && before.event.event === 'result' ? before.event : null,
      outputDir,
      exitCode: typeof code === 'number' ? code : 1,
    };
  }
  if (parsed.kind === 'event' && parsed.event.event === 'result') {
    return {
      event: 'result',
      result: parsed.event,
      artifacts: digestOf(artifacts),
      outputDir,
      exitCode: typeof code === 'number' ? code : 0,
    };
  }
  return {
    event: 'error',
    result: null,
    outputDir,
    exitCode: 1,
    error: {
      code: 'TRAINER_PROTOCOL',
      message: `The remote trainer's completion could not be read (${JSON.stringify(body).slice(0, 200)}).`,
      hint: 'The trainer image may not match this Edgepack; rebuild it from trainers/Dockerfile and export again.',
    },
  };
}

function digestOf(value: unknown): ArtifactsDigest | null {
  const v = value as Partial<ArtifactsDigest> | null | undefined;
  return v && typeof v.bytes === 'number' && typeof v.sha256 === 'string'
    ? { bytes: v.bytes, sha256: v.sha256.toLowerCase() }
    : null;
}

/** Every path under `from` in `value`'s strings, said under `to` instead (the pod's folder → staging). */
export function rewritePaths(value: unknown, from: string, to: string): unknown {
  const base = from.replace(/\/+$/, '');
  if (typeof value === 'string') {
    // Paths in messages too ("wrote /work/output/model.onnx"), not only whole values.
    return value === base ? to : value.split(`${base}/`).join(`${to.replace(/\/+$/, '')}${path.sep}`);
  }
  if (Array.isArray(value)) return value.map((v) => rewritePaths(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewritePaths(v, from, to)]));
  }
  return value;
}
