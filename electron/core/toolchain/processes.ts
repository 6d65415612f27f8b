import fs from 'node:fs';

/** True when a process with this pid exists (and we may signal it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when any process of the group is left. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * A token identifying one process lifetime (its start time in clock ticks since boot), so a recycled pid is not
 * mistaken for the original process. Null where /proc is not available; callers then fall back to pid liveness.
 */
export function processStartToken(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); fields after the parenthesised command name start at index 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process is the one recorded: alive and, where /proc allows the check, the same lifetime. */
export function isSameProcess(pid: number, startToken: string | null): boolean {
  if (!isProcessAlive(pid)) return false;
  if (startToken === null) return true;
  const now = processStartToken(pid);
  return now === null || now === startToken;
}

/**
 * Whether a live process group is the trainer of this job. Linux: the leader's environment names the job id. A group
 * whose leader is gone (or a zombie, whose environment reads empty) is the original group, since Linux never hands a
 * group's id to a new process while the group exists. Without /proc, a live group is assumed to be ours.
 */
export function groupBelongsToJob(pgid: number, jobId: string): boolean {
  if (!isGroupAlive(pgid)) return false;
  try {
    const environ = fs.readFileSync(`/proc/${pgid}/environ`, 'utf8');
    return environ === '' || environ.split('\0').includes(`EXPORT_JOB_ID=${jobId}`);
  } catch {
    return true;
  }
}

/** SIGTERM the group, wait up to `graceMs` for it to go, then SIGKILL whatever is left. */
export async function terminateGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (isGroupAlive(pgid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
}
