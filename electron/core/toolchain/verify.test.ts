import { describe, expect, it } from 'vitest';
import { satisfiesPin } from './verify';

describe('pinned versions', () => {
  it('a local build of the pinned version meets the pin (the CPU torch wheel)', () => {
    expect(satisfiesPin('2.13.0+cpu', '2.13.0')).toBe(true);
    expect(satisfiesPin('2.13.0', '2.13.0')).toBe(true);
  });

  it('another version, a missing package or another local build does not', () => {
    expect(satisfiesPin('2.13.1', '2.13.0')).toBe(false);
    expect(satisfiesPin(null, '2.13.0')).toBe(false);
    expect(satisfiesPin('2.13.0+cu121', '2.13.0+cpu')).toBe(false);
    expect(satisfiesPin('2.13.0rc1', '2.13.0')).toBe(false);
  });
});
