/**
 * The comparison view in the browser: the real renderer in Debian's Chromium over the real core (web harness). An
 * INT8 ONNX export of the fixture detect model, validated on its labelled val set in the export job (through the CLI
 * on the harness's data folder), loses ~26 points of box mAP50-95: the chart shows its point against latency beside
 * the table; a threshold of 5 points marks it failed in both, the bundle card's build is refused naming the drop, and
 * "Ship anyway" records the override, after which the bundle is built.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeValSet } from '../integration/helpers';
import { launchChromium, REPO_ROOT, startHarness, type Harness } from './harness';

const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-accuracy-gate.png');

let harness: Harness;
let browser: Browser;
let page: Page;
let sets: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  sets = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-gate-e2e-'));
  const data = makeValSet(path.join(sets, 'detect'));
  const exported = spawnSync(
    process.execPath,
    [
      'bin/edgepack.mjs',
      'export',
      'tests/fixtures/models/detect.pt',
      '--format',
      'onnx',
      '--int8',
      '--data',
      data,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, EDGEPACK_HOME: harness.home }, encoding: 'utf8' },
  );
  expect(exported.status, exported.stderr + exported.stdout).toBe(0);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(sets, { recursive: true, force: true });
  const code = await harness?.stop();
  expect(code, `the harness should exit cleanly on SIGTERM:\n${harness?.output.join('')}`).toBe(0);
});

describe('the comparison view in the browser', () => {
  it('charts accuracy against latency, fails the INT8 export on the threshold, and ships it only when overridden', async () => {
    const detail = page.getByRole('dialog', { name: /Export v1/ });
    const accuracy = detail.getByRole('region', { name: 'Accuracy on your data' });
    const openDetail = async () => {
      const card = page.getByRole('article', { name: 'Model detect' });
      await card.waitFor({ timeout: 60_000 });
      await card.getByRole('button', { name: 'Export this model' }).click();
      const row = page.getByRole('row', { name: 'Export v1' });
      await row.getByRole('button', { name: 'Details of Export v1' }).click();
      await accuracy.waitFor();
    };
    await openDetail();
    const table = accuracy.getByRole('table', { name: 'Accuracy per format' });
    await table.waitFor({ timeout: 60_000 });

    const chart = accuracy.getByRole('img', { name: 'Box mAP50-95 against CPU latency' });
    await chart.waitFor();
    const point = chart.locator('g.point[data-format="onnx"]');
    expect(await point.count()).toBe(1);
    expect(await point.locator('text').textContent()).toBe('ONNX INT8');
    expect(await chart.locator('g.reference').count()).toBe(1);
    expect(await point.getAttribute('class')).toBe('point');

    await accuracy.getByLabel('Fail a format whose accuracy drops more than').fill('5');
    await accuracy.getByRole('button', { name: 'Save threshold' }).click();
    const onnxRow = table.getByRole('row', { name: /ONNX/ });
    await onnxRow.getByRole('button', { name: 'Ship anyway' }).waitFor();
    expect(await point.getAttribute('class')).toBe('point failed');
    expect(await point.locator('text').textContent()).toBe('ONNX INT8 ✕');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await accuracy.screenshot({ path: SCREENSHOT }); // the modal scrolls: the section itself, table and chart

    const bundle = detail.getByRole('region', { name: 'Bundle zip' });
    await bundle.getByRole('button', { name: 'Build Bundle zip' }).click();
    await bundle
      .getByText(/failed on accuracy: onnx \(int8\) is \d+(\.\d)? points below the PyTorch original/)
      .waitFor();
    expect(fs.existsSync(path.join(harness.home, 'packages'))).toBe(false);

    await onnxRow.getByRole('button', { name: 'Ship anyway' }).click();
    await onnxRow.getByText('failed · shipped anyway').waitFor();
    expect(await point.getAttribute('class')).toBe('point');
    await bundle.getByRole('button', { name: 'Build Bundle zip' }).click();
    await bundle
      .getByRole('listitem', { name: 'Package detect-v1-bundle.zip' })
      .waitFor({ timeout: 120_000 });
    await accuracy.screenshot({ path: SCREENSHOT.replace('.png', '-overridden.png') });

    // Stored in the core: after a reload the threshold and the override are still there.
    await page.reload();
    await openDetail();
    await table.getByRole('row', { name: /ONNX/ }).getByText('failed · shipped anyway').waitFor();
    expect(await accuracy.getByLabel('Fail a format whose accuracy drops more than').inputValue()).toBe('5');
    // The refused build answered 4xx once (the browser logs it); nothing else went wrong on the page.
    expect(pageErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });
});
