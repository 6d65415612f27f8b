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

/** Anything thrown (AppError, contract validation errors, plain Errors) as the {code, message, hint} shape. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
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
