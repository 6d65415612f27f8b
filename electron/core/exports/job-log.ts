import type { ExportJobsRepo } from '../db';

/**
 * A running job's log: every line kept in memory, pushed to listeners at once, and written to the job's row
 * at most once per `flushMs` (and on demand), so a chatty trainer does not turn into thousands of writes.
 */
export class JobLog {
  private readonly lines: string[];
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly jobId: string,
    private readonly jobs: ExportJobsRepo,
    initial: string,
    private readonly onLine: (line: string) => void,
    /** A timed write that failed (e.g. the disk is full): the job's owner decides what it means for the run. */
    private readonly onWriteError: (error: unknown) => void,
    private readonly flushMs = 1000,
  ) {
    this.lines = initial ? initial.split('\n') : [];
  }

  append(line: string): void {
    this.lines.push(line);
    this.onLine(line);
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      try {
        this.flush();
      } catch (error) {
        this.onWriteError(error);
      }
    }, this.flushMs);
  }

  all(): string[] {
    return [...this.lines];
  }

  text(): string {
    return this.lines.join('\n');
  }

  /** Writes the log to the job's row now; throws what the database threw (the lines stay in memory, still dirty). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.jobs.update(this.jobId, { log: this.text() });
    this.dirty = false;
  }

  /** Stops timed writes (the job's row is being finished by its owner, who writes the log with it). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
  }
}
