/**
 * The browser test: the real renderer in Debian's Chromium, served by the web harness over the real core, the
 * real toolchain and a real trained checkpoint. A person adds detect.pt, exports it to ONNX with the wizard and
 * reads the parity figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, REPO_ROOT, startHarness, type Harness } from './harness';

const CHECKPOINT = path.join(REPO_ROOT, 'tests', 'fixtures', 'models', 'detect.pt');
const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-export.png');

let harness: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  expect(fs.existsSync(CHECKPOINT), `${CHECKPOINT} is missing: generate the fixtures first`).toBe(true);
  harness = await startHarness();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer; the refused checkpoint below is one, on purpose.
    const expected = /Failed to load resource: the server responded with a status of 4\d\d/;
    if (message.type() === 'error' && !expected.test(message.text())) pageErrors.push(message.text());
  });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  const code = await harness?.stop();
  expect(code, `the harness should exit cleanly on SIGTERM:\n${harness?.output.join('')}`).toBe(0);
});

describe('export in the browser', () => {
  it('refuses a file that is not a checkpoint, saying why, and adds nothing', async () => {
    const notes = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-e2e-bad-')), 'notes.pt');
    fs.writeFileSync(notes, 'these are my training notes, not a model\n');

    await page.getByLabel('Checkpoint file').setInputFiles(notes);

    const alert = page.getByRole('alert').filter({ hasText: 'notes.pt was not added' });
    await expect.poll(() => alert.isVisible(), { timeout: 60_000 }).toBe(true);
    const text = await alert.innerText();
    expect(text).toMatch(/NOT_A_CHECKPOINT/);
    expect(await page.getByRole('navigation', { name: 'Models' }).count()).toBe(0);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('adds detect.pt, exports it to ONNX with the wizard and shows the parity figures', async () => {
    await page.getByLabel('Checkpoint file').setInputFiles(CHECKPOINT);

    const card = page.getByRole('article', { name: 'Model detect' });
    await card.waitFor({ timeout: 180_000 });
    const facts = await card.innerText();
    expect(facts).toContain('Ultralytics YOLO');
    expect(facts).toMatch(/Task\s+detect/);
    expect(facts).toMatch(/SHA-256\s+[0-9a-f]{64}/);
    expect(
      await card.getByRole('region', { name: 'Class names' }).getByRole('listitem').count(),
    ).toBeGreaterThan(0);

    await card.getByRole('button', { name: 'Export this model' }).click();
    await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
    expect(await page.getByText('No exports yet.').isVisible()).toBe(true);

    // The wizard: format cards → optimization → review.
    await page.getByRole('button', { name: 'New export' }).click();
    const wizard = page.getByRole('dialog', { name: 'Create export' });
    const next = wizard.getByRole('button', { name: 'Next' });
    expect(await next.isDisabled()).toBe(true);
    expect(await wizard.getByRole('radio', { name: 'TensorRT (coming soon)' }).isDisabled()).toBe(true);
    await wizard.getByRole('radio', { name: 'ONNX' }).click();
    await next.click();
    const imgsz = wizard.getByLabel('Image size');
    await imgsz.fill('100');
    expect(await wizard.getByText('Use a multiple of 32').isVisible()).toBe(true);
    expect(await next.isDisabled()).toBe(true);
    await imgsz.fill('64');
    await wizard.getByLabel('Version tag (optional)').fill('e2e');
    await next.click();
    const review = await wizard.innerText();
    expect(review).toMatch(/Format\s+ONNX/);
    expect(review).toMatch(/Image size\s+64 × 64/);
    await wizard.getByRole('button', { name: 'Start export' }).click();

    // Live progress while the trainer runs, then the row reaches "completed".
    const running = page.getByRole('region', { name: 'Running export v1' });
    await running.waitFor({ timeout: 30_000 });
    expect(await running.getByRole('progressbar').count()).toBe(1);
    const row = page.getByRole('row', { name: 'Export v1' });
    await expect
      .poll(async () => (await row.innerText()).toLowerCase(), { timeout: 480_000, interval: 1000 })
      .toMatch(/completed|failed|cancelled|partial/);
    const rowText = await row.innerText();
    expect(rowText, rowText).toMatch(/completed/i);
    expect(rowText).toMatch(/ONNX/);
    expect(rowText).toMatch(/\d+(\.\d)? (KB|MB)/);
    expect(rowText).toContain('e2e');
    expect(await running.count()).toBe(0);

    // The detail view carries the parity figures the trainer measured.
    await row.getByRole('button', { name: 'Details of Export v1' }).click();
    const detail = page.getByRole('dialog', { name: /Export v1 — ONNX/ });
    await detail.waitFor();
    const parity = detail.getByRole('definition').first();
    await parity.waitFor();
    const figures = await detail.getByLabel('Parity of ONNX').innerText();
    expect(figures).toMatch(/Max abs diff\s+\d/);
    expect(figures).toMatch(/Mean abs diff\s+\d/);
    expect(figures).toMatch(/Box match\s+\d+(\.\d)? %/);
    expect(figures).toMatch(/Latency \(CPU\)\s+\d/);
    const result = (await detail.getByRole('region', { name: 'ONNX result' }).innerText()).toLowerCase();
    expect(result).toContain('passed');
    expect(result).toMatch(/within tolerance/);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The first completed export of a model becomes its default: the badge is on the row.
    await detail.getByRole('button', { name: 'Close' }).click();
    expect(await row.innerText()).toMatch(/Default/);
    expect(await row.getByRole('button', { name: 'Set Export v1 as default' }).isDisabled()).toBe(true);

    expect(pageErrors).toEqual([]);
  });
});
