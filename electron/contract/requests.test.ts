import { describe, expect, it } from 'vitest';
import { exportConfigRange, parseRequest } from './index';

function refusal(run: () => unknown): { code: string; message: string; hint: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error('the request was accepted');
}

describe('refused requests', () => {
  it('an out-of-range export size or opset gets the valid range and an example, not "a bug in the caller"', () => {
    const create = (exportConfig: object) => () =>
      parseRequest('exports:create', {
        modelId: 'm',
        formats: ['onnx'],
        exportConfig,
        optimizationConfig: {},
      });
    const imgsz = refusal(create({ imgsz: 99_999 }));
    expect(imgsz).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('exportConfig.imgsz'),
    });
    expect(imgsz.hint).toBe('Give imgsz a value from 32 to 4096, e.g. 640.');
    expect(refusal(create({ opset: 3 })).hint).toBe('Give opset a value from 11 to 23, e.g. 17.');
    expect(refusal(create({ batch: 0 })).hint).toBe('Give batch a value from 1 to 64, e.g. 1.');
    expect(exportConfigRange('imgsz')).toEqual({ min: 32, max: 4096 });
  });

  it('a 100 000-character deployment name is refused naming the 1–100 character limit', () => {
    const name = 'n'.repeat(100_000);
    const error = refusal(() => parseRequest('deploy:create', { exportId: 'e', name }));
    expect(error.message).toContain('name: is longer than 100 characters');
    expect(error.hint).toBe('Give name a value from 1 to 100 characters, e.g. "pets-v2".');
    expect(refusal(() => parseRequest('deploy:create', { exportId: 'e', name: '  ' })).message).toMatch(
      /name: is empty/,
    );
    expect(parseRequest('deploy:create', { exportId: 'e', name: ` ${'n'.repeat(100)} ` }).name).toHaveLength(
      100,
    );
  });

  it('a request no screen should send still says so', () => {
    expect(refusal(() => parseRequest('exports:get', { id: 5 })).hint).toMatch(/bug in the caller/);
  });
});
