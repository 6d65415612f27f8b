import type { AppErrorShape } from '../../../electron/contract';
import { appHint } from './surface-hints';

/** An error from the core (or a host) as the renderer shows it: code, sentence, what to do. */
export class AppError extends Error implements AppErrorShape {
  readonly code: string;
  readonly hint: string;

  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'AppError';
    this.code = shape.code;
    this.hint = shape.hint;
  }
}

export function toErrorShape(error: unknown): AppErrorShape {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { code?: unknown; message: unknown; hint?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'UNEXPECTED';
    return {
      code,
      message: String(e.message),
      hint: appHint(code, typeof e.hint === 'string' ? e.hint : ''),
    };
  }
  return { code: 'UNEXPECTED', message: String(error), hint: '' };
}
