/**
 * The bundle button in the browser: the real renderer in Debian's Chromium, served by the web harness over the real
 * core. An export of the fixture detect model (made through the CLI on the harness's data folder) is opened, "Build
 * bundle" is clicked, its progress is seen, and the built zip is listed with "Show in folder", which the web harness
 * answers with the zip's path.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, REPO_ROOT, startHarness, type Harness } from './harness';

const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-bundle.png');

let harness: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  const exported = spawnSync(
    process.execPath,
    ['bin/edgepack.mjs', 'export', 'tests/fixtures/models/detect.pt', '--format', 'onnx', '--json'],
    { cwd: REPO_ROOT, env: { ...process.env, EDGEPACK_HOME: harness.home }, encoding: 'utf8' },
  );
  expect(exported.status, exported.stderr + exported.stdout).toBe(0);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  const code = await harness?.stop();
  expect(code, `the harness should exit cleanly on SIGTERM:\n${harness?.output.join('')}`).toBe(0);
});

describe('bundle zip in the browser', () => {
  it("builds the export's bundle from its detail, with progress, and shows where it is", async () => {
    const detail = page.getByRole('dialog', { name: /Export v1 — ONNX/ });
    const section = detail.getByRole('region', { name: 'Bundle zip' });
    const openDetail = async () => {
      const card = page.getByRole('article', { name: 'Model detect' });
      await card.waitFor({ timeout: 60_000 });
      await card.getByRole('button', { name: 'Export this model' }).click();
      const row = page.getByRole('row', { name: 'Export v1' });
      await row.getByRole('button', { name: 'Details of Export v1' }).click();
      await section.waitFor();
    };
    await openDetail();

    // The zip of a small model is written in a fraction of a second: every progress value the bar shows is recorded.
    await page.evaluate(`(() => {
      const seen = [];
      window.__bundleProgress = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Bundle progress"]');
        const value = bar && bar.getAttribute('aria-valuenow');
        if (value && seen[seen.length - 1] !== value) seen.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await section.getByRole('button', { name: 'Build bundle' }).click();
    const built = section.getByRole('listitem', { name: 'Bundle detect-v1-bundle.zip' });
    await built.waitFor({ timeout: 120_000 });
    const progress = await page.evaluate<string[]>('window.__bundleProgress');
    expect(progress.length, `progress seen: ${progress.join(', ')}`).toBeGreaterThan(0);
    expect(progress.map(Number)).toEqual([...progress.map(Number)].sort((a, b) => a - b));
    expect(await section.getByRole('progressbar').count()).toBe(0);
    expect(await section.getByRole('button', { name: 'Build bundle' }).isEnabled()).toBe(true);
    expect(await built.innerText()).toMatch(/\d+(\.\d)? (KB|MB) · .* · sha256 [0-9a-f]{12}/);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await built.getByRole('button', { name: 'Show detect-v1-bundle.zip in folder' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'The bundle is ' });
    await notice.waitFor();
    const zip = (await notice.innerText()).match(/The bundle is (\S+\.zip)/)?.[1];
    expect(zip?.startsWith(path.join(harness.home, 'packages'))).toBe(true);
    expect(fs.statSync(zip!).size).toBeGreaterThan(0);
    expect(spawnSync('unzip', ['-Z1', zip!], { encoding: 'utf8' }).stdout).toMatch(/^manifest\.json$/m);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-shown.png'), fullPage: true });

    // The core keeps the record: after a reload, the detail lists the bundle again (packages:list).
    await page.reload();
    await openDetail();
    await section.getByRole('listitem', { name: 'Bundle detect-v1-bundle.zip' }).waitFor();
    expect(await section.getByRole('listitem').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
