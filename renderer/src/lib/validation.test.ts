import { describe, expect, it } from 'vitest';
import { imgszExported, imgszProblem, imgszWarning } from './validation';
import { formatBytes, formatDiff, formatMs, formatRate } from './format';

describe('wizard image size', () => {
  it('accepts multiples of 32 within range', () => {
    expect(imgszProblem('640')).toBeNull();
    expect(imgszProblem('32')).toBeNull();
  });
  it('says what is wrong otherwise', () => {
    expect(imgszProblem('')).toMatch(/whole number/);
    expect(imgszProblem('64.5')).toMatch(/whole number/);
    expect(imgszProblem('16')).toMatch(/between 32 and 4096/);
    expect(imgszProblem('5000')).toMatch(/between 32 and 4096/);
  });
  it('takes a size that is not a multiple of the stride, and says it is rounded up as the trainer does', () => {
    expect(imgszProblem('100')).toBeNull();
    expect(imgszWarning('100', 32)).toBe('imgsz 100 is not a multiple of the model stride 32; using 128');
    expect(imgszExported('100', 32)).toBe(128);
    expect(imgszWarning('640', 64)).toBeNull();
    expect(imgszWarning('700', 64)).toBe('imgsz 700 is not a multiple of the model stride 64; using 704');
    expect(imgszWarning('16', 32)).toBeNull();
    expect(imgszExported('16', 32)).toBeNull();
  });
});

describe('figures', () => {
  it('formats sizes, tiny differences and rates for people', () => {
    expect(formatBytes(12_845_310)).toBe('12.3 MB');
    expect(formatBytes(null)).toBe('—');
    expect(formatDiff(2.1e-5)).toBe('2.10e-5');
    expect(formatDiff(0.0123)).toBe('0.0123');
    expect(formatRate(1)).toBe('100.0 %');
    expect(formatMs(11.4)).toBe('11.4 ms');
    expect(formatMs(6714)).toBe('6.7 s');
  });
});
