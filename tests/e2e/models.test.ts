/**
 * The Models page as an ML engineer meets it, in Debian's Chromium over the web harness and the real core, with the
 * real platform service on loopback: a plain ONNX model (Ultralytics' metadata, built by the runtime's tiny-model
 * writer, run by the real onnxruntime) is first-class — a readable card, export v1 kept as it is, the wizard offering
 * only what an ONNX file can become, deployed directly — and removing it asks first and never orphans its endpoint.
 * Start-up answers the toolchain check from the last report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../platform/test-support/harness';
import { tinyDetector } from '../../platform/test-support/tiny-models';
import { launchChromium, REPO_ROOT, startHarness, watchPageErrors, type Harness } from './harness';

// One long word: nothing to break at but the card must still show all of it.
const NAME = 'pets_detector_trained_on_the_spring_catalogue_with_extra_augmentation_v3';
const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-models.png');
const BUS = path.join(REPO_ROOT, 'native-runtimes', 'typescript', 'test-images', 'bus.jpg');

let platform: TestPlatform;
let harness: Harness;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let scratch: string;
let onnxFile: string;
let card: Locator;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-e2e-models-'));
  onnxFile = path.join(scratch, `${NAME}.onnx`);
  fs.writeFileSync(onnxFile, tinyDetector());
  platform = await startTestPlatform({}, 'pro');
  harness = await startHarness();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = watchPageErrors(page); // the removed endpoint answers a 4xx, on purpose
  await page.goto(harness.url);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  const [code] = await Promise.all([harness?.stop(), platform?.close()]);
  fs.rmSync(scratch, { recursive: true, force: true });
  expect(code, `the harness should exit cleanly:\n${harness?.output.join('')}`).toBe(0);
  expect(pageErrors).toEqual([]);
});

describe('a plain ONNX model in the browser', () => {
  it('is accepted by the drop zone and gets a readable card: tensors table, metadata as facts, where it is kept', async () => {
    expect(await page.locator('.dropzone').innerText()).toContain('.onnx files');
    await page.getByLabel('Checkpoint file').setInputFiles(onnxFile);
    card = page.getByRole('article', { name: `Model ${NAME}` });
    await card.waitFor({ timeout: 60_000 });

    const text = await card.innerText();
    expect(text).not.toContain('[object Object]');
    expect(text).not.toMatch(/\{"/); // no raw JSON
    const inputs = await card.getByRole('table', { name: 'Inputs' }).locator('tbody tr').allInnerTexts();
    expect(inputs).toEqual(['images\tfloat32\t[1, 3, 64, 64]']);
    const outputs = await card.getByRole('table', { name: 'Outputs' }).locator('tbody tr').allInnerTexts();
    expect(outputs).toEqual(['output0\tfloat32\t[1, 6, 3]']);
    const metadata = await card.getByRole('region', { name: 'ONNX metadata' }).innerText();
    expect(metadata).toMatch(/Author\s+Ultralytics/);
    expect(metadata).toMatch(/Stride\s+32/);
    expect(metadata).toMatch(/NMS inside the model\s+no/);
    expect(await card.getByRole('note').innerText()).toContain('Kept as it is as export v1');
    // Where Edgepack keeps it, not the harness's temporary upload path.
    const keptAt = await card.getByLabel('Kept at').innerText();
    expect(keptAt).toMatch(new RegExp(`^Kept at ${harness.home}/models/[0-9a-f-]{36}/${NAME}\\.onnx$`));
    const box = await card.boundingBox();
    expect(box!.height).toBeLessThan(1400);

    // The long name is shown whole in the model list: wrapped, not clipped.
    const item = page.getByRole('navigation', { name: 'Models' }).locator('.model-item-name');
    expect(await item.innerText()).toBe(NAME);
    const clipped = await item.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
    expect(clipped).toBe(false);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('says so when the same file is added again, and adds nothing', async () => {
    await page.getByLabel('Checkpoint file').setInputFiles(onnxFile);
    const notice = page.getByRole('status').filter({ hasText: 'already in your models' });
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.innerText()).toContain(`${NAME}.onnx is already in your models, as ${NAME}`);
    expect(await page.getByRole('navigation', { name: 'Models' }).getByRole('listitem').count()).toBe(1);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('offers only ONNX in the wizard, refusing the conversions with the reason; the chosen card shows a tick', async () => {
    await card.getByRole('button', { name: 'Export this model' }).click();
    await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
    const v1 = page.getByRole('row', { name: 'Export v1' });
    expect((await v1.innerText()).toLowerCase()).toContain('completed');

    await page.getByRole('button', { name: 'New export' }).click();
    const wizard = page.getByRole('dialog', { name: 'Create export' });
    const cards = wizard.getByRole('group', { name: 'Formats' });
    await cards.waitFor({ timeout: 120_000 });
    expect(await wizard.getByRole('note').innerText()).toContain('is an ONNX model');
    const openvino = cards.getByRole('checkbox', { name: 'OpenVINO', exact: true });
    expect(await openvino.isDisabled()).toBe(true);
    expect(await openvino.innerText()).toContain('add the .pt checkpoint this ONNX file came from');
    const onnx = cards.getByRole('checkbox', { name: 'ONNX', exact: true });
    expect(await onnx.getByTestId('format-tick').count()).toBe(0);
    await onnx.click();
    expect(await onnx.getAttribute('aria-checked')).toBe('true');
    expect(await onnx.getByTestId('format-tick').innerText()).toBe('✓');
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-wizard.png') });
    await wizard.getByRole('button', { name: 'Next' }).click();
    expect(await wizard.innerText()).toMatch(/Format\s+ONNX, kept as it is/);
    await wizard.getByRole('button', { name: 'Start export' }).click();
    const v2 = page.getByRole('row', { name: 'Export v2' });
    await v2.waitFor({ timeout: 30_000 });
    expect((await v2.innerText()).toLowerCase()).toContain('completed');
    // The row can arrive (exports:updated) a moment before the wizard's own create call returns and closes it.
    await wizard.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await wizard.count()).toBe(0);
  });

  it('is previewed directly: its export v1 is a model of the playground', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Playground' }).click();
    const select = page.getByLabel('Exported model A');
    const label = `${NAME} v1 · ONNX as added`;
    await expect.poll(() => select.locator('option').allInnerTexts(), { timeout: 30_000 }).toContain(label);
    await select.selectOption({ label });
    await expect
      .poll(() => page.getByTestId('model-facts-a').innerText(), { timeout: 60_000 })
      .toMatch(/ · detect · 2 classes · input 64×64/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Export' }).click();
  });

  it('deploys directly; deleting an export or removing the model asks first and never loses an endpoint', async () => {
    await page.getByRole('button', { name: 'Deploy Export v1' }).click();
    const settings = page.getByRole('form', { name: 'Platform settings' });
    await settings.waitFor();
    await settings.getByLabel('Platform URL').fill(platform.url);
    await settings.getByLabel('Account token').fill(platform.token);
    await settings.getByRole('button', { name: 'Save and deploy' }).click();
    const endpoint = page.getByRole('article', { name: /^Endpoint .*-v1$/ });
    await endpoint.waitFor({ timeout: 60_000 });
    const endpointOf = async (article: Locator) => {
      const url = await article.getByLabel('Endpoint URL').innerText();
      const key = await article.getByLabel('API key').innerText();
      const answer = async () =>
        (
          await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'image/jpeg' },
            body: fs.readFileSync(BUS),
          })
        ).status;
      return { url, answer };
    };
    const { url, answer } = await endpointOf(endpoint);
    expect(await answer()).toBe(200);

    // A second endpoint, from v2: deleting that export deactivates it first, and it stays in sight.
    await page.getByRole('button', { name: 'Deploy Export v2' }).click();
    const second = page.getByRole('article', { name: /^Endpoint .*-v2$/ });
    await second.waitFor({ timeout: 60_000 });
    const v2 = await endpointOf(second);
    await page
      .getByRole('row', { name: 'Export v2' })
      .getByRole('button', { name: 'Delete Export v2' })
      .click();
    const askV2 = page.getByRole('dialog', { name: `Delete export v2 of ${NAME}?` });
    await expect
      .poll(() => askV2.getByTestId('removal-summary').innerText())
      .toMatch(/^1 export and 1 file \(/);
    expect(await askV2.getByRole('list', { name: 'Endpoints on the platform' }).innerText()).toContain(
      'active · from v2',
    );
    await askV2.getByRole('button', { name: 'Deactivate endpoint, then delete' }).click();
    await expect
      .poll(() => page.getByRole('row', { name: 'Export v2' }).count(), { timeout: 30_000 })
      .toBe(0);
    expect(await v2.answer()).toBe(403);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Models' }).click();
    const detached = page.getByRole('region', { name: 'Endpoints without an export' });
    const left = detached.getByRole('article', { name: /^Endpoint .*-v2$/ });
    await expect.poll(() => left.getByLabel('Status').textContent(), { timeout: 30_000 }).toBe('inactive');
    await left.getByRole('button', { name: 'Delete' }).click();
    // Asked first, saying what goes; Cancel leaves it.
    expect(await left.getByLabel('What deleting removes').innerText()).toMatch(
      /stops answering, its key stops working/,
    );
    await left.getByRole('button', { name: 'Cancel' }).click();
    expect(await left.getByLabel('What deleting removes').count()).toBe(0);
    await left.getByRole('button', { name: 'Delete' }).click();
    await left.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => detached.count(), { timeout: 30_000 }).toBe(0);
    expect(await v2.answer()).toBe(404);

    await card.getByRole('button', { name: 'Remove' }).click();
    const ask = page.getByRole('dialog', { name: `Remove model ${NAME}?` });
    await expect
      .poll(() => ask.getByTestId('removal-summary').innerText())
      .toMatch(/^1 export and 2 files \(/);
    const listed = await ask.getByRole('list', { name: 'Endpoints on the platform' }).innerText();
    expect(listed).toContain('active · from v1');
    expect(listed).toContain(url);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-remove.png') });

    // Keeping it changes nothing.
    await ask.getByRole('button', { name: 'Keep it' }).click();
    expect(await ask.count()).toBe(0);
    expect(await card.count()).toBe(1);
    expect(await answer()).toBe(200);

    await card.getByRole('button', { name: 'Remove' }).click();
    await ask.getByRole('button', { name: 'Delete endpoint, then remove' }).click();
    await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(0);
    const done = page.getByRole('status').filter({ hasText: `Removed model ${NAME}` });
    expect(await done.innerText()).toMatch(/On the platform: .* is deleted\./);
    expect(await answer()).not.toBe(200);
    const id = url.split('/').pop();
    expect((await platform.request('GET', `/api/v1/deployments/${id}`)).status).toBe(404);
    expect(fs.existsSync(path.join(harness.home, 'exports'))).toBe(true);
    expect(fs.readdirSync(path.join(harness.home, 'models'))).toEqual([]);
  });

  it('answers the toolchain check at start-up from the last report, without waiting for a new one', async () => {
    // The first load's check (in the background: seconds, torch is imported) has been remembered.
    const remembered = path.join(harness.home, 'toolchain-probe.json');
    await expect.poll(() => fs.existsSync(remembered), { timeout: 180_000, interval: 500 }).toBe(true);
    await page.reload();
    const status = page.locator('.toolchain-status');
    await status.waitFor();
    // A full check imports torch (seconds); the remembered report shows as soon as the page asks.
    await expect
      .poll(() => status.innerText(), { timeout: 3_000, interval: 100 })
      .toMatch(/^Toolchain ready/);
  });
});
