import type { AppErrorShape } from '../contract';

/** A failure a person can act on: a stable code, a sentence saying what went wrong, and what to do about it. */
export class AppError extends Error implements AppErrorShape {
  readonly code: string;
  readonly hint: string;

  constructor(code: string, message: string, hint = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.hint = hint;
  }

  toJSON(): AppErrorShape {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** Error codes meaning "no space left": SQLite's (a write could not grow the database) and the OS's. */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** Whether this error means the disk (or the user's quota on it) is full. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'DISK_FULL';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}

/** A message a trainer (Python) wrote when the OS said ENOSPC / EDQUOT. */
const PYTHON_DISK_FULL = /\[Errno (28|122)\]|No space left on device|Disk quota exceeded/i;

/** Whether a {code, message} reported by the trainer is a full disk in disguise (e.g. EXPORT_FAILED: OSError 28). */
export function reportsDiskFull(error: { code: string; message: string }): boolean {
  return error.code === 'DISK_FULL' || PYTHON_DISK_FULL.test(error.message);
}

/**
 * The one way a full disk is said: code DISK_FULL, where (the data folder, or the path that was being written), the
 * underlying message, and what to do. `where` defaults to the data folder, the only place Edgepack writes by itself.
 */
export function diskFull(cause: unknown, where?: string): AppError {
  const detail =
    cause instanceof Error ? cause.message : String((cause as { message?: unknown })?.message ?? cause);
  return new AppError(
    'DISK_FULL',
    `The disk is full: there is no space left to write ${where ?? "Edgepack's data folder"} (${detail}).`,
    `Free some space on the disk holding ${where ?? 'the data folder'} (or set EDGEPACK_HOME to a folder on a disk with room), then try again.`,
    { cause },
  );
}

/** Anything thrown (AppError, contract validation errors, plain Errors) as the {code, message, hint} shape. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDiskFull(error)) return diskFull(error);
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as { code: unknown; message: unknown; hint?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code)) {
      return new AppError(e.code, e.message, typeof e.hint === 'string' ? e.hint : '', { cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL_ERROR', message, 'This is a bug in Edgepack; the log has the details.', {
    cause: error,
  });
}
