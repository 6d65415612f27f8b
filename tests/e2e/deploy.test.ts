/**
 * Deploy in the browser: the real renderer in Debian's Chromium over the web harness and the real core, the real
 * platform service on loopback, an ONNX export of the fixture checkpoint made by the real CLI. A person deploys
 * from the export row, reads the endpoint card (URL, key shown once, curl), sends a photo from the test playground,
 * sees the predictions, deactivates and reactivates.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../platform/test-support/harness';
import { cli, fixture, freshHome, removeHomes } from '../integration/helpers';
import { launchChromium, REPO_ROOT, startHarness, type Harness } from './harness';

const IMAGE = fixture('images/shapes-1.png');
const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-deploy.png');

let platform: TestPlatform;
let harness: Harness;
let browser: Browser;
let page: Page;
let card: Locator;
let apiKey: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  const home = freshHome();
  const run = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--json']);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  platform = await startTestPlatform({}, 'pro');
  harness = await startHarness({ env: { EDGEPACK_HOME: home } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 1400 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer; the deactivated endpoint below answers one, on purpose.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
      pageErrors.push(message.text());
  });
  await page.goto(harness.url);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  const code = await harness?.stop();
  await platform?.close();
  removeHomes();
  expect(code, `the harness should exit cleanly:\n${harness?.output.join('')}`).toBe(0);
  expect(pageErrors).toEqual([]);
});

const status = async () => (await card.getByLabel('Status').textContent())?.trim();

/** What the platform itself answers for the same photo and key (the reference for the page's table). */
async function platformPredictions(endpointUrl: string, key: string) {
  const response = await fetch(`${endpointUrl}?confidence_threshold=0.5`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'image/png' },
    body: fs.readFileSync(IMAGE),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { predictions: { class: string; confidence: number }[] }).predictions;
}

describe('deploy in the browser', () => {
  it('deploys from the export row after asking for the platform, and shows the endpoint card with the key once', async () => {
    const model = page.getByRole('article', { name: 'Model detect' });
    await model.waitFor({ timeout: 60_000 });
    await model.getByRole('button', { name: 'Export this model' }).click();
    await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Deploy Export v1' }).click();
    const settings = page.getByRole('form', { name: 'Platform settings' });
    await settings.waitFor();
    await settings.getByLabel('Platform URL').fill(platform.url);
    // A wrong token first: the platform's refusal is shown, nothing is deployed.
    await settings.getByLabel('Account token').fill('epk_acct_not-the-token');
    await settings.getByRole('button', { name: 'Save and deploy' }).click();
    await settings
      .getByRole('alert')
      .filter({ hasText: 'ACCOUNT_TOKEN_INVALID' })
      .waitFor({ timeout: 30_000 });
    expect(await page.getByRole('article', { name: /^Endpoint / }).count()).toBe(0);

    await settings.getByLabel('Account token').fill(platform.token);
    await settings.getByRole('button', { name: 'Save and deploy' }).click();
    card = page.getByRole('article', { name: /^Endpoint / });
    await card.waitFor({ timeout: 60_000 });
    expect(await settings.count()).toBe(0);
    // Named after the model and the export version, not the model's id.
    expect(await card.getAttribute('aria-label')).toBe('Endpoint detect-v1');

    const text = await card.innerText();
    expect(await status()).toBe('active');
    const url = await card.getByLabel('Endpoint URL').innerText();
    expect(url).toMatch(new RegExp(`^${platform.url}/v1/infer/[0-9a-f-]{36}$`));
    apiKey = await card.getByLabel('API key').innerText();
    expect(apiKey).toMatch(/^epk_live_[A-Za-z0-9]{32}$/);
    expect(await card.getByRole('note').innerText()).toContain('Shown only once');
    const curl = await card.getByLabel('curl command', { exact: true }).innerText();
    expect(curl).toContain(url);
    expect(curl).toContain(`Bearer ${apiKey}`);
    expect(await card.getByLabel('Usage').innerText()).toContain('0 requests');
    expect(text).toContain('100 requests/min (pro tier)');
  });

  it('offers the download links, the bundle zip among them, with its size and sha256', async () => {
    expect(await card.getByLabel('Bundle zip').innerText()).toMatch(
      /^Bundle zip uploaded \([\d.]+ [KM]B, built for this deploy\)\.$/,
    );
    await card.getByRole('button', { name: 'Get download links' }).click();
    const list = card.getByRole('list', { name: 'Download links' });
    await list.waitFor({ timeout: 30_000 });
    const names = await list.getByRole('link').allInnerTexts();
    expect(names).toEqual(['model.onnx', 'metadata.json', 'bundle.zip']);
    const href = await list.getByRole('link', { name: 'bundle.zip' }).getAttribute('href');
    const zip = Buffer.from(await (await fetch(href!)).arrayBuffer());
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    const shownSha = await list.getByLabel('bundle.zip SHA-256').getAttribute('title');
    expect(createHash('sha256').update(zip).digest('hex')).toBe(shownSha);
  });

  it('runs the test playground on an image and shows the predictions the endpoint gives', async () => {
    await card.getByLabel('Test image').setInputFiles(IMAGE);
    const table = card.getByRole('table', { name: 'Endpoint predictions' });
    await table.waitFor({ timeout: 60_000 });
    const rows = await table.locator('tbody tr').allInnerTexts();
    const url = await card.getByLabel('Endpoint URL').innerText();
    const want = await platformPredictions(url, apiKey);
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.split('\t')[0])).toEqual(want.map((p) => p.class));
    expect(rows.map((r) => Number(r.split('\t')[1]))).toEqual(
      want.map((p) => Number(p.confidence.toFixed(3))),
    );
    expect(await card.locator('.endpoint-box').count()).toBe(want.length);
    // Server time and inference are told apart.
    expect(await card.getByLabel('Endpoint times').innerText()).toMatch(
      /^round trip [\d.]+ ms · server [\d.]+ ms \(decode to answer\) · of which inference [\d.]+ ms$/,
    );
    // The usage figures follow the platform's count live, without Refresh: the page's request and the one sent
    // from outside the app above.
    await expect
      .poll(() => card.getByLabel('Usage').innerText(), { timeout: 15_000 })
      .toMatch(/^2 requests · [\d.]+ ms average server time \(decode to answer\)/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('deactivates (the playground is refused) and reactivates (it answers again), with the history', async () => {
    await card.getByRole('button', { name: 'Deactivate' }).click();
    // Asked first, saying what it means; keeping it changes nothing.
    const ask = page.getByRole('dialog', { name: /^Deactivate / });
    expect(await ask.innerText()).toContain('refused (HTTP 403) until you reactivate it');
    await ask.getByRole('button', { name: 'Keep it active' }).click();
    expect(await status()).toBe('active');
    await card.getByRole('button', { name: 'Deactivate' }).click();
    await page
      .getByRole('dialog', { name: /^Deactivate / })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await expect.poll(status).toBe('inactive');
    await card.getByLabel('Test image').setInputFiles(IMAGE);
    await card.getByRole('alert').filter({ hasText: 'DEPLOYMENT_INACTIVE' }).waitFor({ timeout: 30_000 });

    await card.getByRole('button', { name: 'Reactivate' }).click();
    await expect.poll(status).toBe('active');
    await card.getByLabel('Test image').setInputFiles(IMAGE);
    await card.getByRole('table', { name: 'Endpoint predictions' }).waitFor({ timeout: 30_000 });

    await card.getByText(/^History/).click();
    const history = await card.getByRole('list', { name: 'Deployment history' }).innerText();
    expect(history).toMatch(
      /deployed: deploying → active[\s\S]*deactivated: active → inactive[\s\S]*reactivated: inactive → active/,
    );
  });

  it('regenerates the key: the card shows the new one, the old one is refused', async () => {
    await card.getByRole('button', { name: 'Regenerate key' }).click();
    await expect.poll(() => card.getByLabel('API key').innerText(), { timeout: 15_000 }).not.toBe(apiKey);
    const response = await fetch(await card.getByLabel('Endpoint URL').innerText(), {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'image/png' },
      body: fs.readFileSync(IMAGE),
    });
    expect(response.status).toBe(401);

    // Shown once: after a reload the card knows only the prefix, and the playground asks for the key.
    const newKey = await card.getByLabel('API key').innerText();
    await page.reload();
    await page
      .getByRole('article', { name: 'Model detect' })
      .getByRole('button', { name: 'Export this model' })
      .click();
    card = page.getByRole('article', { name: /^Endpoint / });
    await card.waitFor();
    const text = await card.innerText();
    expect(text).not.toContain(newKey);
    expect(text).toContain(newKey.slice(0, 13));
    await card.getByLabel('API key').fill(newKey);
    await card.getByLabel('Test image').setInputFiles(IMAGE);
    await card.getByRole('table', { name: 'Endpoint predictions' }).waitFor({ timeout: 30_000 });
  });

  it('checks a new token when it is saved, and says so in the app’s words', async () => {
    await page.getByRole('region', { name: 'Deploy' }).getByRole('button', { name: 'Change' }).click();
    const settings = page.getByRole('form', { name: 'Platform settings' });
    await settings.getByLabel('Account token').fill('epk_acct_not-the-token');
    await settings.getByRole('button', { name: 'Save' }).click();
    const alert = settings.getByRole('alert').filter({ hasText: 'ACCOUNT_TOKEN_INVALID' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).not.toContain('--token');
    await settings.getByRole('button', { name: 'Cancel' }).click();
    await card.getByLabel('Test image').setInputFiles(IMAGE);
    await card.getByRole('table', { name: 'Endpoint predictions' }).waitFor({ timeout: 30_000 });
  });
});
