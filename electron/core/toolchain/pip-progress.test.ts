import { describe, expect, it } from 'vitest';
import { PipProgressParser } from './pip-progress';
import { parsePins } from './requirements';

describe('pip progress', () => {
  it('rises with every package collected, then jumps at install and at success, never going back', () => {
    const parser = new PipProgressParser(3);
    const lines = [
      'Looking in indexes: https://pypi.org/simple',
      'Collecting torch==2.14.1 (from -r req.txt (line 1))',
      '  Downloading torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl (900 MB)',
      'Collecting ultralytics==8.4.190',
      'Collecting numpy (from torch==2.14.1)',
      'Requirement already satisfied: pip in ./venv/lib/python3.11/site-packages',
      'Installing collected packages: numpy, torch, ultralytics',
      'Successfully installed numpy-2.4.6 torch-2.14.1 ultralytics-8.4.190',
    ];
    const fractions = lines.map((l) => parser.push(l).fraction);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]!);
    expect(fractions[0]).toBe(0);
    expect(fractions[1]).toBeGreaterThan(0);
    expect(fractions[5]).toBeLessThan(0.6);
    expect(fractions[6]).toBe(0.7);
    expect(fractions[7]).toBe(0.95);
  });

  it('reports milestones for the lines a person cares about only', () => {
    const parser = new PipProgressParser(1);
    expect(parser.push('  Downloading x.whl').milestone).toBeNull();
    expect(parser.push('Collecting torch==2.14.1').milestone).toBe('Collecting torch==2.14.1');
  });
});

describe('pinned requirements', () => {
  it('reads name==version pins, skipping comments, options and blanks', () => {
    const text =
      '# runtime\n--extra-index-url x\n\ntorch==2.14.1  # cpu too\nPyYAML == 6.0.4\nopencv-python[extra]==5.0.0.93\n';
    expect(parsePins(text)).toEqual([
      { name: 'torch', version: '2.14.1' },
      { name: 'PyYAML', version: '6.0.4' },
      { name: 'opencv-python', version: '5.0.0.93' },
    ]);
  });
});
