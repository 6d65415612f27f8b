import { describe, expect, it } from 'vitest';
import { modelDetailRows } from './model-details';

describe('model card facts', () => {
  it('labels the camelCase facts the core gives, and spells out unknown ones', () => {
    expect(
      modelDetailRows({ ultralyticsVersion: '8.4.190', trainData: 'data.yaml', someNewFact: 2, nc: 3 }),
    ).toEqual([
      { label: 'Ultralytics', value: '8.4.190' },
      { label: 'Training data', value: 'data.yaml' },
      { label: 'Some new fact', value: '2' },
    ]);
  });
});
