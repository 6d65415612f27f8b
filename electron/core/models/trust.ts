import path from 'node:path';
import type { ModelRecord } from '../../contract';
import { sandboxStatus } from '../toolchain/sandbox';

/**
 * The globals a person trusted when they added this checkpoint: the trainer's restricted loader refused them, the
 * person confirmed, and the model card keeps the list (details.scan.unsafe). Every later step of that model (its
 * exports) then loads it the same way, inside the sandbox.
 */
export function trustedGlobals(model: ModelRecord): string[] {
  const scan = model.details['scan'];
  if (!scan || typeof scan !== 'object') return [];
  const unsafe = (scan as { unsafe?: unknown }).unsafe;
  return Array.isArray(unsafe) ? unsafe.filter((g): g is string => typeof g === 'string') : [];
}

export function trustedAtAdd(model: ModelRecord): boolean {
  return trustedGlobals(model).length > 0;
}

/** Trainer arguments for a trusted load: consent, and Ultralytics' settings in the job's own (writable) folder. */
export function trustedArgs(workDir: string): string[] {
  return ['--trust-unsafe', '--config-dir', path.join(workDir, 'ultralytics-config')];
}

export function trustNotice(sandboxed: boolean): string {
  if (sandboxed) {
    return 'The checkpoint is trusted by you and needs more than the restricted loader allows: it loads in a sandbox (bubblewrap: no network, read-only file system except this job’s folders).';
  }
  const why = sandboxStatus().reason ?? 'no sandbox is available';
  return `The checkpoint is trusted by you and needs more than the restricted loader allows: it loads WITHOUT a sandbox (${why}).`;
}
