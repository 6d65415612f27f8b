import fs from 'node:fs';
import path from 'node:path';
import type { ExportJobRow, ExportJobsRepo } from '../db';
import type { DataPaths } from '../paths';
import { groupBelongsToJob, isSameProcess, terminateGroup } from '../toolchain/processes';
import { removeQuietly } from './artifacts';
import type { RemoteRunner } from '../remote/parts';
import { INTERRUPTED, remoteInterrupted } from './reasons';

export interface ReconcileDeps {
  jobs: ExportJobsRepo;
  paths: DataPaths;
  /** Jobs this process is running right now (never touched). */
  ownRuns: ReadonlySet<string>;
  /** Reaches the targets of remote jobs, to remove what a dead process left running there. */
  remote?: RemoteRunner | undefined;
  /** Follows a remote job again in this process; false when it cannot (its target is gone, say). */
  adopt?: ((row: ExportJobRow) => Promise<boolean>) | undefined;
}

/** Whether the process that started the job (app, CLI, web harness) is gone, so nobody will finish it. */
export function ownerIsGone(row: ExportJobRow, ownRuns: ReadonlySet<string>): boolean {
  if (ownRuns.has(row.id)) return false;
  if (row.owner_pid === null) return true;
  if (row.owner_pid === process.pid) return true; // ours, yet not running here: left by an earlier failure
  return !isSameProcess(row.owner_pid, row.owner_started);
}

/**
 * Jobs left `pending`/`running` by a process that died: a trainer still running in their group is stopped, the job
 * becomes `failed` with the reason, its staging folder is removed. Staging folders of no active job are removed too.
 */
export async function reconcileJobs({
  jobs,
  paths,
  ownRuns,
  remote,
  adopt,
}: ReconcileDeps): Promise<string[]> {
  const reconciled: string[] = [];
  for (const row of jobs.activeRows()) {
    if (!ownerIsGone(row, ownRuns)) continue;
    if (row.remote_target) {
      // Its Job may well still run on the cluster: followed again from here, not failed.
      if (row.remote_ref && adopt && (await adopt(row))) continue;
      if (await endRemote(jobs, row, remote)) reconciled.push(row.id);
      removeQuietly(paths.staging(row.id));
      continue;
    }
    const orphan = row.pgid !== null && groupBelongsToJob(row.pgid, row.id);
    if (orphan) await terminateGroup(row.pgid!, 3000);
    const note = orphan
      ? `Edgepack stopped the export process ${row.pgid} left running by a process that exited.`
      : 'The process running this export exited before it finished.';
    const finished = jobs.finish(row.id, {
      status: 'failed',
      error: INTERRUPTED,
      log: `${row.log}${row.log ? '\n' : ''}${note}`,
      progress_stage: 'interrupted',
    });
    if (finished) reconciled.push(row.id);
    removeQuietly(paths.staging(row.id));
    removeQuietly(paths.scratch(`export-${row.id}`));
  }
  removeStrayStaging(jobs, paths);
  return reconciled;
}

/**
 * A remote job whose owner died and that cannot be followed again here (no platform registration recorded, its target
 * gone): the Job (with its Secret and pods) and its S3 objects are removed and the job fails saying so.
 */
async function endRemote(
  jobs: ExportJobsRepo,
  row: ExportJobRow,
  remote: RemoteRunner | undefined,
): Promise<boolean> {
  const target = row.remote_target!;
  let removed = false;
  if (remote) {
    removed = await remote.abandon(target, row.id).then(
      () => true,
      () => false,
    );
  }
  const note = removed
    ? `The process following this export on ${target} exited; its Kubernetes Job and uploaded files were removed.`
    : `The process following this export on ${target} exited; its Kubernetes Job edgepack-export-${row.id} could not be reached to remove it.`;
  return jobs.finish(row.id, {
    status: 'failed',
    error: remoteInterrupted(target, row.id, removed),
    log: `${row.log}${row.log ? '\n' : ''}${note}`,
    progress_stage: 'interrupted',
  });
}

function removeStrayStaging(jobs: ExportJobsRepo, paths: DataPaths): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(paths.stagingRoot);
  } catch {
    return;
  }
  const active = new Set(jobs.activeRows().map((r) => r.id));
  for (const entry of entries) {
    if (!active.has(entry)) removeQuietly(path.join(paths.stagingRoot, entry));
  }
}
