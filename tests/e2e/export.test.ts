/**
 * The browser test: the real renderer in Debian's Chromium, served by the web harness over the real core, the
 * real toolchain and a real trained checkpoint. A person adds detect.pt, exports it to ONNX with the wizard and
 * reads the parity figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CapabilityMatrix } from '../../electron/contract';
import { launchChromium, REPO_ROOT, startHarness, type Harness } from './harness';

const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');
const CHECKPOINT = path.join(FIXTURES, 'models', 'detect.pt');
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

interface ManifestEntry {
  file: string;
  expect: { task?: string; names?: string[]; imgsz?: number[]; error?: string };
}
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as {
  entries: ManifestEntry[];
};
const expected = (file: string) => {
  const entry = manifest.entries.find((e) => e.file === file);
  if (!entry) throw new Error(`${file} is not in tests/fixtures/manifest.json`);
  return entry.expect;
};

/** What the core's capability matrix says on this machine: the cards must say the same. */
async function capabilities(): Promise<CapabilityMatrix> {
  const response = await fetch(new URL('/api/invoke/capabilities:get', harness.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return (await response.json()) as CapabilityMatrix;
}

async function addFile(file: string) {
  await page.getByLabel('Checkpoint file').setInputFiles(path.join(FIXTURES, file));
}

async function refusal(fileName: string) {
  const alert = page.getByRole('alert').filter({ hasText: `${fileName} was not added` });
  await alert.waitFor({ timeout: 120_000 });
  return alert;
}

describe('export in the browser', () => {
  it.each(['bad/notes.pt', 'bad/truncated.pt'])('refuses %s, saying why, and adds nothing', async (file) => {
    await addFile(file);
    const alert = await refusal(path.basename(file));
    const text = await alert.innerText();
    expect(text).toContain(expected(file).error);
    // Each refusal says what to do, not only what went wrong.
    expect(await alert.locator('.error-hint').innerText()).not.toBe('');
    expect(await page.getByRole('navigation', { name: 'Models' }).count()).toBe(0);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('asks before loading a checkpoint whose pickle imports unlisted globals, and adds it once trusted', async () => {
    await addFile('bad/unlisted_global.pt');
    const alert = await refusal('unlisted_global.pt');
    expect(await alert.innerText()).toContain('UNSAFE_PICKLE');
    expect(await alert.innerText()).toContain('fractions.Fraction'); // the global is named before consent
    await alert.getByRole('button', { name: /I trust this file/ }).click();
    const confirm = alert.getByRole('group', { name: 'Confirm loading an unsafe checkpoint' });
    expect(await confirm.innerText()).toMatch(/run the code named above[\s\S]*sandbox/);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-trust-confirm.png') });
    await confirm.getByRole('button', { name: 'Load it anyway' }).click();

    const card = page.getByRole('article', { name: 'Model unlisted_global' });
    await card.waitFor({ timeout: 180_000 });
    expect(await card.innerText()).toMatch(/Task\s+detect/);
    await card.getByRole('button', { name: 'Remove' }).click();
    const ask = page.getByRole('dialog', { name: 'Remove model unlisted_global?' });
    await expect
      .poll(() => ask.getByTestId('removal-summary').innerText())
      .toMatch(/^0 exports and 1 file \(/);
    await ask.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0);
  });

  it('adds detect.pt, exports it to ONNX with the wizard and shows the parity figures', async () => {
    const want = expected('models/detect.pt');
    await page.getByLabel('Checkpoint file').setInputFiles(CHECKPOINT);

    const card = page.getByRole('article', { name: 'Model detect' });
    await card.waitFor({ timeout: 180_000 });
    const facts = await card.innerText();
    expect(facts).toContain('Ultralytics YOLO');
    expect(facts).toMatch(/Task\s+detect/);
    expect(facts).toMatch(/SHA-256\s+[0-9a-f]{64}/);
    expect(facts).toMatch(new RegExp(`Input size\\s+${want.imgsz?.[0]} × ${want.imgsz?.[1]}`));
    const classes = await card
      .getByRole('region', { name: 'Class names' })
      .getByRole('listitem')
      .allInnerTexts();
    expect(classes.map((c) => c.replace(/^\d+\s*/, '').trim())).toEqual(want.names);

    await card.getByRole('button', { name: 'Export this model' }).click();
    await page.getByRole('heading', { name: 'Export', level: 1 }).waitFor();
    expect(await page.getByText('No exports yet.').isVisible()).toBe(true);

    // The wizard: format cards from the capability matrix → optimization → review.
    await page.getByRole('button', { name: 'New export' }).click();
    const wizard = page.getByRole('dialog', { name: 'Create export' });
    const next = wizard.getByRole('button', { name: 'Next' });
    expect(await next.isDisabled()).toBe(true);
    const cards = wizard.getByRole('group', { name: 'Formats' });
    await cards.waitFor({ timeout: 60_000 });
    const matrix = await capabilities();
    expect(await cards.getByRole('checkbox').count()).toBe(matrix.formats.length);
    for (const format of matrix.formats) {
      const card = cards.getByRole('checkbox', { name: format.label, exact: true });
      const text = (await card.innerText()).toLowerCase();
      expect(text).toContain(format.tasks['detect']?.quality ?? 'unsupported');
      expect(text).toContain(`precisions: ${format.precisions.join(' / ')}`);
      if (format.deferred) {
        // TensorRT without an NVIDIA GPU: said plainly, and still selectable (it ships a deferred build).
        expect(text).toContain('deferred build');
        expect(text).toContain('built on the target device');
        expect(await card.isDisabled()).toBe(false);
      } else if (!format.runnableHere) {
        expect(text).toContain('structural check only');
      }
    }
    expect(matrix.formats.find((f) => f.id === 'coreml')?.runnableHere).toBe(false);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-wizard-formats.png') });
    await cards.getByRole('checkbox', { name: 'ONNX', exact: true }).click();
    await next.click();
    const imgsz = wizard.getByLabel('Image size');
    // It starts at the size the model was trained at.
    expect(await imgsz.inputValue()).toBe(String(want.imgsz?.[0]));
    await imgsz.fill('16');
    expect(await wizard.getByText('Use a size between 32 and 4096 pixels.').isVisible()).toBe(true);
    expect(await next.isDisabled()).toBe(true);
    // Not a multiple of the stride: allowed, and the wizard says what the trainer will (rounded up, its words).
    await imgsz.fill('100');
    expect(
      await wizard.getByText('imgsz 100 is not a multiple of the model stride 32; using 128').isVisible(),
    ).toBe(true);
    expect(await next.isDisabled()).toBe(false);
    await imgsz.fill(String(want.imgsz?.[0]));
    await wizard.getByLabel('Version tag (optional)').fill('e2e');
    await next.click();
    const review = await wizard.innerText();
    expect(review).toMatch(/Format\s+ONNX/);
    expect(review).toContain(`Image size\n${want.imgsz?.[0]} × ${want.imgsz?.[0]}`);
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
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-table.png'), fullPage: true });

    // A second export, cancelled while it runs, then deleted.
    await page.getByRole('button', { name: 'New export' }).click();
    await cards.getByRole('checkbox', { name: 'ONNX', exact: true }).click();
    await next.click();
    await next.click();
    await wizard.getByRole('button', { name: 'Start export' }).click();
    const second = page.getByRole('region', { name: 'Running export v2' });
    await second.getByRole('button', { name: 'Cancel export' }).click();
    const row2 = page.getByRole('row', { name: 'Export v2' });
    await expect
      .poll(async () => (await row2.innerText()).toLowerCase(), { timeout: 60_000 })
      .toContain('cancelled');
    expect(await second.count()).toBe(0);
    expect(await row.innerText()).toMatch(/Default/);
    await row2.getByRole('button', { name: 'Delete Export v2' }).click();
    // Asked first, saying what goes.
    const ask = page.getByRole('dialog', { name: 'Delete export v2 of detect?' });
    await expect
      .poll(() => ask.getByTestId('removal-summary').innerText())
      .toMatch(/^1 export and \d+ files? \(/);
    await ask.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => row2.count(), { timeout: 10_000 }).toBe(0);
    expect(await row.count()).toBe(1);

    // From the export's detail straight into the playground, with that ONNX file as model A.
    await row.getByRole('button', { name: 'Details of Export v1' }).click();
    await detail.getByRole('button', { name: 'Try it in the playground' }).click();
    await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
    await expect
      .poll(() => page.getByTestId('model-facts-a').innerText(), { timeout: 60_000 })
      .toMatch(/v1 · ONNX fp32 · detect · 3 classes/);

    expect(pageErrors).toEqual([]);
  });
  it('exports ONNX and OpenVINO as one INT8 job calibrated on uploaded images: a result each, and the warning', async () => {
    // The test above left the playground open: back to the model's exports.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Export', exact: true })
      .click();
    await page.getByRole('button', { name: 'New export' }).click();
    const wizard = page.getByRole('dialog', { name: 'Create export' });
    const cards = wizard.getByRole('group', { name: 'Formats' });
    const next = wizard.getByRole('button', { name: 'Next' });
    await cards.getByRole('checkbox', { name: 'ONNX', exact: true }).click();
    await cards.getByRole('checkbox', { name: 'TorchScript', exact: true }).click();
    await next.click();
    // TorchScript has no INT8: the option is off, and says which format is in the way.
    const int8 = wizard.getByRole('radio', { name: /^INT8/ });
    expect(await int8.isDisabled()).toBe(true);
    expect(await wizard.getByRole('radiogroup', { name: 'Precision' }).innerText()).toContain(
      'TorchScript does not offer INT8',
    );
    await wizard.getByRole('button', { name: 'Back' }).click();
    await cards.getByRole('checkbox', { name: 'TorchScript', exact: true }).click();
    await cards.getByRole('checkbox', { name: 'OpenVINO', exact: true }).click();
    await next.click();
    await int8.check();
    const folder = wizard.getByLabel('Calibration folder');
    expect(await folder.inputValue()).toBe('');
    expect(
      await wizard.getByText(/No folder: calibrated on Ultralytics’ two sample photos/).isVisible(),
    ).toBe(true);
    const images = fs
      .readdirSync(path.join(FIXTURES, 'images'))
      .filter((f) => f.endsWith('.png'))
      .map((f) => path.join(FIXTURES, 'images', f));
    await wizard.getByLabel('Calibration images').setInputFiles(images);
    await expect.poll(() => folder.inputValue(), { timeout: 30_000 }).toContain('uploads');
    expect(await wizard.getByText(`${images.length} images uploaded for calibration.`).isVisible()).toBe(
      true,
    );
    const calibDir = await folder.inputValue();
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-wizard-int8.png') });
    await next.click();
    const review = await wizard.innerText();
    expect(review).toMatch(/Formats\s+ONNX, OpenVINO/);
    expect(review).toMatch(/Precision\s+INT8/);
    expect(review).toContain(calibDir);
    await wizard.getByRole('button', { name: 'Start export (2 formats)' }).click();

    const running = page.getByRole('region', { name: /Running export v\d+/ });
    await running.waitFor({ timeout: 30_000 });
    const version = /v(\d+)/.exec((await running.getAttribute('aria-label')) ?? '')?.[1];
    const row = page.getByRole('row', { name: `Export v${version}`, exact: true });
    await expect
      .poll(async () => (await row.innerText()).toLowerCase(), { timeout: 480_000, interval: 1000 })
      .toMatch(/completed|failed|cancelled|partial/);
    const rowText = await row.innerText();
    expect(rowText, rowText).toMatch(/completed/i);
    expect(rowText).toContain('ONNX, OpenVINO');

    await row.getByRole('button', { name: `Details of Export v${version}` }).click();
    const detail = page.getByRole('dialog', { name: /ONNX, OpenVINO/ });
    for (const name of ['ONNX', 'OpenVINO']) {
      const result = detail.getByRole('region', { name: `${name} result` });
      const text = await result.innerText();
      expect(text.toLowerCase()).toContain('passed');
      expect(text).toContain(`INT8 calibrated on ${images.length} images`);
      expect(await result.getByRole('note', { name: 'Calibration warning' }).innerText()).toContain(
        `only ${images.length} calibration images`,
      );
    }
    expect(await detail.getByLabel('Parity of OpenVINO').innerText()).toMatch(/OpenVINO runtime/);
    await detail.getByRole('button', { name: 'Close' }).click();
    expect(pageErrors).toEqual([]);
  });
});
