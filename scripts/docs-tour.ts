/**
 * `npm run docs:tour`: the screen tour in the README, taken again from the app as it is now. The web harness (a fresh
 * data folder), Debian's Chromium through playwright-core as the browser tests drive it, the fixture detect.pt and
 * images, and the platform service on loopback: a person adds the model, exports it to ONNX and OpenVINO, opens the
 * export in the playground, and deploys it. Screenshots of the Models, Export, Playground and Deploy views at
 * 1400×900 go to docs/tour/ (overwritten). Needs the toolchain (`npx edgepack doctor --fix` makes it once).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { resolveHome } from '../electron/core';
import { startTestPlatform } from '../platform/test-support/harness';
import { launchChromium, REPO_ROOT, startHarness } from '../tests/e2e/harness';

const OUT = path.join(REPO_ROOT, 'docs', 'tour');
const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');
const VIEWPORT = { width: 1400, height: 900 };
const LONG = { timeout: 480_000 };

// The toolchain the app and `doctor --fix` make, not one in the tour's throwaway data folder.
process.env['EDGEPACK_TOOLCHAINS'] ??= path.join(resolveHome(), 'toolchains');

async function shot(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/tour/${name}.png`);
}

const nav = (page: Page, view: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view, exact: true }).click();

async function models(page: Page) {
  await page.getByLabel('Checkpoint file').setInputFiles(path.join(FIXTURES, 'models', 'detect.pt'));
  await page.getByRole('article', { name: 'Model detect' }).waitFor(LONG);
  await page.getByText('Toolchain ready').waitFor({ timeout: 60_000 });
  await shot(page, 'models');
}

async function exportView(page: Page) {
  await page
    .getByRole('article', { name: 'Model detect' })
    .getByRole('button', { name: 'Export this model' })
    .click();
  await page.getByRole('button', { name: 'New export' }).click();
  const wizard = page.getByRole('dialog', { name: 'Create export' });
  const cards = wizard.getByRole('group', { name: 'Formats' });
  await cards.waitFor({ timeout: 60_000 });
  for (const format of ['ONNX', 'OpenVINO'])
    await cards.getByRole('checkbox', { name: format, exact: true }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Start export' }).click();
  await page.getByRole('region', { name: 'Export v1 ended' }).waitFor(LONG);
  await shot(page, 'export');
}

async function playground(page: Page) {
  await page.getByRole('button', { name: 'Details of Export v1' }).click();
  await page.getByRole('button', { name: 'Try it in the playground' }).click();
  await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
  await page
    .getByTestId('model-facts-a')
    .getByText(/detect/)
    .waitFor({ timeout: 60_000 });
  const images = ['shapes-1.png', 'shapes-3.png', 'triangles-1.png'].map((f) =>
    path.join(FIXTURES, 'images', f),
  );
  const payload = images.map((f) => ({
    name: path.basename(f),
    data: fs.readFileSync(f).toString('base64'),
  }));
  // Dropped as a person drags files from the file manager (a string: this file has no DOM types).
  const dataTransfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    for (const f of ${JSON.stringify(payload)})
      dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: 'image/png' }));
    return dt;
  })()`);
  await page.dispatchEvent('[data-testid=image-drop]', 'drop', { dataTransfer });
  await page.getByRole('figure', { name: 'Predictions A' }).locator('canvas[data-predictions]').waitFor(LONG);
  await shot(page, 'playground');
}

async function deploy(page: Page, platform: { url: string; token: string }) {
  await nav(page, 'Export');
  await page.getByRole('button', { name: 'Deploy Export v1' }).click();
  const settings = page.getByRole('form', { name: 'Platform settings' });
  await settings.getByLabel('Platform URL').fill(platform.url);
  await settings.getByLabel('Account token').fill(platform.token);
  await settings.getByRole('button', { name: /deploy/i }).click();
  const card = page.getByRole('article', { name: /^Endpoint / });
  await card.waitFor({ timeout: 60_000 });
  await card.getByLabel('Test image').setInputFiles(path.join(FIXTURES, 'images', 'shapes-1.png'));
  await card.getByRole('table', { name: 'Endpoint predictions' }).waitFor({ timeout: 60_000 });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, 'deploy.png') });
  console.log('docs/tour/deploy.png');
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const platform = await startTestPlatform({}, 'pro');
  const harness = await startHarness();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(harness.url);
    await models(page);
    await exportView(page);
    await playground(page);
    await deploy(page, platform);
  } finally {
    await browser.close();
    await harness.stop();
    await platform.close();
  }
}

await main();
