import type { AppErrorShape } from '../contract';

/** The HTTP status for a core error code: the body always carries the full {code, message, hint}. */
export function statusForCode(code: string): number {
  if (code === 'INVALID_REQUEST' || code === 'NO_FILE') return 400;
  if (code === 'FORBIDDEN_ORIGIN') return 403;
  if (code === 'UNKNOWN_CHANNEL' || code.endsWith('_NOT_FOUND')) return 404;
  if (code.endsWith('_ALREADY_RUNNING') || code.endsWith('_BUSY') || code.endsWith('_CONFLICT')) return 409;
  if (code === 'UPLOAD_TOO_LARGE') return 413;
  if (code === 'INTERNAL_ERROR') return 500;
  if (code.startsWith('TOOLCHAIN_')) return 503;
  // The request was understood but the input cannot be used (not a checkpoint, wrong framework, …).
  return 422;
}

export function errorBody(error: AppErrorShape): { error: AppErrorShape } {
  return { error: { code: error.code, message: error.message, hint: error.hint } };
}
