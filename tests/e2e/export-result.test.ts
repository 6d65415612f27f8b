/**
 * The end of an export, as a person meets it in the browser: the progress gives way to a summary of each format
 * side by side (size, CPU latency, speed-up against PyTorch, parity) with bars, each file downloadable (the web
 * harness's "Show in folder"), and a log that points at no staging folder and no Ultralytics CLI hint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, REPO_ROOT, startHarness, watchPageErrors, type Harness } from './harness';

const CHECKPOINT = path.join(REPO_ROOT, 'tests', 'fixtures', 'models', 'detect.pt');
const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-export-result.png');

let harness: Harness;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  harness = await startHarness();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  pageErrors = watchPageErrors(page);
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function exportWithWizard(formats: string[]) {
  await page.getByRole('button', { name: 'New export' }).click();
  const wizard = page.getByRole('dialog', { name: 'Create export' });
  const cards = wizard.getByRole('group', { name: 'Formats' });
  await cards.waitFor({ timeout: 60_000 });
  for (const format of formats) await cards.getByRole('checkbox', { name: format, exact: true }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Start export' }).click();
}

async function download(name: string): Promise<Buffer> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Download the ${name} file` }).click(),
  ]);
  return fs.readFileSync(await file.path());
}

describe('the end of an export in the browser', () => {
  it('keeps a summary where the progress was, with each file to download and a log free of staging paths', async () => {
    await page.getByLabel('Checkpoint file').setInputFiles(CHECKPOINT);
    const card = page.getByRole('article', { name: 'Model detect' });
    await card.waitFor({ timeout: 180_000 });
    await card.getByRole('button', { name: 'Export this model' }).click();
    await exportWithWizard(['ONNX', 'OpenVINO']);

    await page.getByRole('region', { name: 'Running export v1' }).waitFor({ timeout: 30_000 });
    const ended = page.getByRole('region', { name: 'Export v1 ended' });
    await ended.waitFor({ timeout: 480_000 });
    expect(await page.getByRole('region', { name: 'Running export v1' }).count()).toBe(0);

    const table = ended.getByRole('table', { name: 'Summary of export v1' });
    for (const format of ['ONNX', 'OpenVINO']) {
      const row = await table.getByRole('row', { name: format, exact: true }).innerText();
      expect(row).toMatch(/passed/i);
      expect(row).toMatch(/\d+(\.\d)? MB/);
      expect(row).toMatch(/\d+(\.\d+)? ms/);
      expect(row).toMatch(/\d+\.\d× (faster|slower)/); // against PyTorch, measured in the same job
      expect(row).toMatch(/matches: (\d+) of \1 boxes/);
    }
    const latency = ended.getByRole('figure', { name: 'CPU latency (batch 1)' });
    expect(await latency.innerText()).toContain('PyTorch');
    expect(await latency.locator('.bar').count()).toBe(3);
    expect(await ended.getByRole('figure', { name: 'Size' }).locator('.bar').count()).toBe(2);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const [model] = fs.readdirSync(path.join(harness.home, 'exports')).filter((d) => !d.startsWith('.'));
    const folder = path.join(harness.home, 'exports', model!, 'v1');
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.json'))).toEqual(['metadata.json']);
    expect(await download('ONNX')).toEqual(fs.readFileSync(path.join(folder, 'model.onnx')));
    expect((await download('OpenVINO')).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04'); // a folder: a zip

    await ended.getByRole('button', { name: 'Details and log' }).click();
    const detail = page.getByRole('dialog', { name: /Export v1 — ONNX, OpenVINO/ });
    await detail.getByRole('table', { name: 'Summary of export v1' }).waitFor();
    const log = await detail.locator('.log').textContent();
    expect(log).toContain(`artifact onnx: ${folder}/model.onnx`);
    expect(log).not.toMatch(/\.staging|\.work-|netron\.app|yolo predict|yolo val/);
    await detail.getByRole('button', { name: 'Close' }).click();

    await ended.getByRole('button', { name: 'Close summary' }).click();
    expect(await ended.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
