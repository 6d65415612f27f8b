/**
 * The "Packages" section in the browser: the real renderer in Debian's Chromium, served by the web harness over the
 * real core. The fixture detect model is exported (through the CLI on the harness's data folder) to CoreML + TFLite
 * (v1) and to ONNX (v2). On v1's detail each card (bundle, iOS, Android) is built with one click, with progress, and
 * listed with its size and "Show in folder"; a package moved away shows as missing and rebuilds. On v2's detail the
 * iOS card offers to make a CoreML export first: declining leaves nothing, accepting makes export v3 and its
 * package; its Docker card builds. Screenshots are kept in test-results/
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, REPO_ROOT, startHarness, type Harness } from './harness';

const SHOTS = path.join(REPO_ROOT, 'test-results');
const shot = (name: string) =>
  page.screenshot({ path: path.join(SHOTS, `e2e-packages-${name}.png`), fullPage: true });

let harness: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

function exportFixture(formats: string): void {
  const model = 'tests/fixtures/models/detect.pt';
  const r = spawnSync(
    process.execPath,
    ['bin/edgepack.mjs', 'export', model, '--format', formats, '--json'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, EDGEPACK_HOME: harness.home },
      encoding: 'utf8',
    },
  );
  expect(r.status, r.stderr + r.stdout).toBe(0);
}

beforeAll(async () => {
  harness = await startHarness();
  exportFixture('coreml,tflite');
  exportFixture('onnx');
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(harness.url);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  const code = await harness?.stop();
  expect(code, `the harness should exit cleanly on SIGTERM:\n${harness?.output.join('')}`).toBe(0);
});

async function openDetail(version: number) {
  const card = page.getByRole('article', { name: 'Model detect' });
  await card.waitFor({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Export this model' }).click();
  const row = page.getByRole('row', { name: `Export v${version}` });
  await row.getByRole('button', { name: `Details of Export v${version}` }).click();
  const detail = page.getByRole('dialog', { name: new RegExp(`Export v${version} —`) });
  const section = detail.getByRole('region', { name: 'Packages' });
  await section.waitFor();
  return section;
}

describe('packages in the browser', () => {
  it('builds the bundle, iOS and Android packages of a CoreML + TFLite export with one click each', async () => {
    const section = await openDetail(1);
    for (const [title, target] of [
      ['Bundle zip', 'bundle'],
      ['iOS', 'ios'],
      ['Android', 'android'],
    ] as const) {
      const card = section.getByRole('region', { name: title });
      await card.getByText('Needs:').waitFor();
      // A small model's zip is written in a fraction of a second: every progress value the bar shows is recorded.
      await page.evaluate(`(() => {
        const seen = [];
        window.__progress = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('[role="progressbar"][aria-label="${title} progress"]');
          const value = bar && bar.getAttribute('aria-valuenow');
          if (value && seen[seen.length - 1] !== value) seen.push(value);
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      })()`);
      await card.getByRole('button', { name: `Build ${title}` }).click();
      const built = card.getByRole('listitem', { name: `Package detect-v1-${target}.zip` });
      await built.waitFor({ timeout: 120_000 });
      const progress = await page.evaluate<string[]>('window.__progress');
      expect(progress.length, `${title} progress seen: ${progress.join(', ')}`).toBeGreaterThan(0);
      expect(progress.map(Number)).toEqual([...progress.map(Number)].sort((a, b) => a - b));
      expect(await built.innerText()).toMatch(/\d+(\.\d)? (KB|MB) · .* · sha256 [0-9a-f]{12}/);
      expect(await card.getByRole('button', { name: `Build ${title}` }).innerText()).toBe('Rebuild');
    }
    await shot('built');

    const ios = section.getByRole('region', { name: 'iOS' });
    await ios.getByRole('button', { name: 'Show detect-v1-ios.zip in folder' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'The package is ' });
    await notice.waitFor();
    const zip = (await notice.innerText()).match(/The package is (\S+\.zip)/)?.[1];
    expect(zip?.startsWith(path.join(harness.home, 'packages'))).toBe(true);
    expect(spawnSync('unzip', ['-Z1', zip!], { encoding: 'utf8' }).stdout).toMatch(
      /^EdgepackModel\/Package\.swift$/m,
    );
  });

  it('shows a package moved away as missing, and rebuilds it', async () => {
    const moved = path.join(harness.home, 'moved-away.zip');
    const android = spawnSync(
      'find',
      [path.join(harness.home, 'packages'), '-name', 'detect-v1-android.zip'],
      {
        encoding: 'utf8',
      },
    ).stdout.trim();
    fs.renameSync(android, moved);
    await page.reload();
    const card = (await openDetail(1)).getByRole('region', { name: 'Android' });
    const item = card.getByRole('listitem', { name: 'Package detect-v1-android.zip' });
    await item.getByText('Missing: moved or deleted.').waitFor();
    expect(await item.getByRole('button', { name: /in folder/ }).isDisabled()).toBe(true);
    await shot('missing');
    await card.getByRole('button', { name: 'Build Android' }).click();
    await item.getByText('Missing: moved or deleted.').waitFor({ state: 'detached', timeout: 60_000 });
    expect(fs.existsSync(android)).toBe(true);
    expect(await card.getByRole('listitem').count()).toBe(1);
  });

  it('offers a CoreML export for iOS on an ONNX export; declining leaves nothing', async () => {
    await page.reload();
    const section = await openDetail(2);
    const ios = section.getByRole('region', { name: 'iOS' });
    await ios.getByRole('button', { name: 'Build iOS' }).click();
    const offer = ios.getByRole('group', { name: 'Make a coreml export for iOS' });
    await offer.waitFor();
    expect(await offer.innerText()).toMatch(/needs a coreml model, and this export has none/);
    await shot('offer');
    await offer.getByRole('button', { name: 'Not now' }).click();
    await offer.waitFor({ state: 'detached' });
    expect(await ios.getByRole('listitem').count()).toBe(0);
    const exports = spawnSync(process.execPath, ['bin/edgepack.mjs', 'exports', 'list', '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, EDGEPACK_HOME: harness.home },
      encoding: 'utf8',
    });
    expect(JSON.parse(exports.stdout)).toHaveLength(2);

    // The ONNX export's own card, Docker, builds with one click.
    const docker = section.getByRole('region', { name: 'Docker' });
    await docker.getByRole('button', { name: 'Build Docker' }).click();
    await docker
      .getByRole('listitem', { name: 'Package detect-v2-docker.zip' })
      .waitFor({ timeout: 120_000 });
    await shot('docker');
  });

  it('accepting the offer makes the CoreML export of the same model, then its iOS package', async () => {
    await page.reload();
    const section = await openDetail(2);
    const ios = section.getByRole('region', { name: 'iOS' });
    await ios.getByRole('button', { name: 'Build iOS' }).click();
    const offer = ios.getByRole('group', { name: 'Make a coreml export for iOS' });
    await offer.getByRole('button', { name: 'Make the coreml export and the package' }).click();
    await ios.getByText(/exporting to coreml/).waitFor();
    await shot('offer-accepted');
    const notice = page.getByRole('status').filter({ hasText: 'Made coreml export v3' });
    await notice.waitFor({ timeout: 600_000 });
    const listed = spawnSync(process.execPath, ['bin/edgepack.mjs', 'packages', 'list', '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, EDGEPACK_HOME: harness.home },
      encoding: 'utf8',
    });
    const v3 = (JSON.parse(listed.stdout) as { target: string; path: string }[]).filter((p) =>
      p.path.endsWith('detect-v3-ios.zip'),
    );
    expect(v3).toHaveLength(1);
    // The refused build (PACKAGE_NEEDS_FORMAT) is a 422 the browser logs; nothing else may be.
    expect(pageErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  }, 700_000);
});
