import fs from 'node:fs';
import path from 'node:path';
import { removeQuietly } from './exports/artifacts';
import type { DataPaths } from './paths';
import { isSameProcess, processStartToken } from './toolchain/processes';

/** No checkpoint inspection runs longer than this (models/inspect-checkpoint.ts stops it). */
export const INSPECT_MAX_MS = 10 * 60_000;

const ownerToken = processStartToken(process.pid) ?? 'x';

/**
 * The scratch folder of one checkpoint inspection, named after the process that owns it:
 * `<home>/tmp/inspect-<pid>-<start token>-<id>`, so a later start can tell a dead owner's folder from a live one's.
 */
export function inspectScratch(paths: DataPaths, id: string): string {
  return paths.scratch(`inspect-${process.pid}-${ownerToken}-${id}`);
}

const OWNED = /^inspect-(\d+)-(\d+|x)-[\w-]+$/;
const UNOWNED = /^inspect-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXPORT = /^export-(.+)$/;

/**
 * Removes scratch folders nobody will come back to, and only those: an inspection's whose owner process is gone (a
 * CLI killed during `models add`), one from before folders carried their owner once it is older than any inspection
 * can last, and an export's whose job is no longer running (call after reconciling jobs). A folder a running app or
 * CLI is using is left alone. Returns the names removed.
 */
export function removeStaleScratch(
  paths: DataPaths,
  /** Asked at the moment each export folder is looked at (a job started meanwhile by another process counts). */
  isActiveJob: (jobId: string) => boolean,
  now = Date.now(),
): string[] {
  const root = path.dirname(paths.scratch('x'));
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    if (!isStale(path.join(root, name), name, isActiveJob, now)) continue;
    removeQuietly(path.join(root, name));
    removed.push(name);
  }
  return removed;
}

function isStale(dir: string, name: string, isActiveJob: (jobId: string) => boolean, now: number): boolean {
  const owned = OWNED.exec(name);
  if (owned) return !isSameProcess(Number(owned[1]), owned[2] === 'x' ? null : owned[2]!);
  if (UNOWNED.test(name)) {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    return stat !== undefined && now - stat.mtimeMs > INSPECT_MAX_MS;
  }
  const exported = EXPORT.exec(name);
  if (exported) return !isActiveJob(exported[1]!);
  return false;
}
