/**
 * The trainers' registry is the source of truth for the export formats and their options; the app's copy is
 * generated from it. This fails while electron/contract/generated/formats.ts differs from a fresh generation.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT, readListing, render } from '../../scripts/generate-formats';

describe('electron/contract/generated/formats.ts', () => {
  it('is what `npm run gen:formats` makes of the trainers’ registry now', async () => {
    const python = process.env['EDGEPACK_TEST_PYTHON'];
    expect(python, 'tests/setup/toolchain.ts sets EDGEPACK_TEST_PYTHON').toBeTruthy();
    const fresh = await render(readListing(python!));
    expect(
      fs.readFileSync(OUTPUT, 'utf8'),
      'electron/contract/generated/formats.ts is stale: run `npm run gen:formats` and commit it',
    ).toBe(fresh);
  });
});
