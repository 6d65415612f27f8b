import { describe, expect, it } from 'vitest';
import { boxMatchFigure, finalPredictionsWord, rawDiffChecked, toleranceNote } from './parity-words';

describe('parity words', () => {
  it('gives a classifier no box figure (it has no boxes), only its top-1 bound', () => {
    const classify = {
      max_abs: 0.001,
      box_match: null,
      top1_agreement: 1,
      boxes_reference: null,
      boxes_matched: null,
      passed: true,
      tolerance: { atol: 0.001, rtol: 0, min_box_match: 0.95, min_top1: 0.99 },
    };
    expect(boxMatchFigure(classify)).toBeNull();
    expect(toleranceNote(classify)).toBe('Within tolerance: |diff| ≤ 0.001 + 0·|ref|, top-1 ≥ 99.0 %.');
  });

  it('does not print a null bound for INT8 raw outputs, and says they are not judged', () => {
    const int8 = {
      max_abs: 0.198,
      box_match: 0.9,
      boxes_reference: 10,
      boxes_matched: 9,
      passed: true,
      tolerance: { atol: null, rtol: 0, min_box_match: 0.6 },
    };
    expect(rawDiffChecked(int8)).toBe(false);
    const note = toleranceNote(int8)!;
    expect(note).not.toContain('null');
    expect(note).toMatch(/^Within tolerance: boxes ≥ 60.0 %\. Raw-output differences are shown, not judged/);
    expect(boxMatchFigure(int8)).toEqual({ value: '90.0 %', sub: '9 of 10 boxes' });
  });

  it('names what the check compares in the task’s words', () => {
    expect(finalPredictionsWord('classify')).toBe('top-1 and top-5 classes');
    expect(finalPredictionsWord('detect')).toBe('final boxes');
    expect(finalPredictionsWord(null)).toBe('final predictions');
  });
});
