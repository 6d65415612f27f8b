import { describe, expect, it } from 'vitest';
import { imgszProblem } from './validation';
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
    expect(imgszProblem('100')).toMatch(/multiple of 32/);
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
