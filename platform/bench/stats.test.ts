import { describe, expect, it } from 'vitest';
import { p50DifferenceInterval } from './stats';

const noisy = (center: number, n: number) =>
  Array.from({ length: n }, (_, i) => center + ((i * 7919) % 101) / 10 - 5);

describe('p50DifferenceInterval', () => {
  it('holds 0 for the same distribution and the shift for a shifted one', () => {
    const a = noisy(60, 300);
    const [low, high] = p50DifferenceInterval(a, noisy(60, 300));
    expect(low).toBeLessThanOrEqual(0);
    expect(high).toBeGreaterThanOrEqual(0);
    const [shiftedLow, shiftedHigh] = p50DifferenceInterval(a, noisy(70, 300));
    expect(shiftedLow).toBeGreaterThan(8);
    expect(shiftedHigh).toBeLessThan(12);
  });

  it('is repeatable (fixed seed)', () => {
    const a = noisy(10, 50);
    const b = noisy(12, 50);
    expect(p50DifferenceInterval(a, b)).toEqual(p50DifferenceInterval(a, b));
  });
});
