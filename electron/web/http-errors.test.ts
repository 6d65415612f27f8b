import { describe, expect, it } from 'vitest';
import { statusForCode } from './http-errors';

describe('HTTP status for core error codes', () => {
  it.each([
    ['INVALID_REQUEST', 400],
    ['UNKNOWN_CHANNEL', 404],
    ['EXPORT_NOT_FOUND', 404],
    ['MODEL_NOT_FOUND', 404],
    ['EXPORT_ALREADY_RUNNING', 409],
    ['MODEL_BUSY', 409],
    ['UPLOAD_TOO_LARGE', 413],
    ['NOT_A_CHECKPOINT', 422],
    ['WRONG_FRAMEWORK', 422],
    ['TOOLCHAIN_MISSING', 503],
    ['INTERNAL_ERROR', 500],
  ])('%s → %i', (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });
});
