/**
 * The toolchain banner in the browser: with no environment and no usable Python, the app says what is missing,
 * offers the set-up button, and when set-up cannot work it says why and what to do. (Creating the real
 * environment is covered by the global setup and the integration tests; it takes minutes.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startHarness, type Harness } from './harness';

let harness: Harness;
let browser: Browser;
let page: Page;
let scratch: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-e2e-tc-'));
  harness = await startHarness({
    env: {
      EDGEPACK_TOOLCHAINS: path.join(scratch, 'toolchains'),
      EDGEPACK_PYTHON: path.join(scratch, 'no-python', 'python3'),
      EDGEPACK_VENV: undefined,
    },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('toolchain banner', () => {
  it('names what is missing and, when set-up cannot run, why and what to do', async () => {
    const banner = page.getByRole('region', { name: 'Export toolchain' });
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.innerText()).toMatch(/not ready/);
    expect(await banner.innerText()).toMatch(/Fix: .*edgepack doctor --fix/);
    expect(await page.getByRole('status').filter({ hasText: 'Toolchain not ready' }).count()).toBe(1);

    await banner.getByRole('button', { name: 'Set up toolchain' }).click();
    await expect.poll(() => banner.innerText(), { timeout: 60_000 }).toMatch(/TOOLCHAIN_PYTHON_UNAVAILABLE/);
    const text = await banner.innerText();
    expect(text).toMatch(/Python was not found/);
    expect(text).toMatch(/EDGEPACK_PYTHON/);
    expect(await banner.getByRole('button', { name: 'Set up toolchain' }).isEnabled()).toBe(true);
  });
});
