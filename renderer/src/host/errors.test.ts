import { describe, expect, it } from 'vitest';
import { toErrorShape } from './errors';

describe('toErrorShape', () => {
  it('gives token errors the app’s own hint, not the CLI’s --token flag', () => {
    const shape = toErrorShape({
      code: 'ACCOUNT_TOKEN_INVALID',
      message: 'Platform: the account token is not valid.',
      hint: 'Give the platform account token (epk_acct_…) with --token, or in the Deploy settings.',
    });
    expect(shape.hint).not.toContain('--token');
    expect(shape.hint).toContain('Deploy section');
  });

  it('keeps every other hint as the core gave it', () => {
    const shape = toErrorShape({ code: 'IMAGE_NOT_FOUND', message: 'No image.', hint: 'Check the path.' });
    expect(shape).toEqual({ code: 'IMAGE_NOT_FOUND', message: 'No image.', hint: 'Check the path.' });
  });
});
