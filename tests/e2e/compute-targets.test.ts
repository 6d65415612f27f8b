/**
 * Settings → Compute targets in the browser: the real renderer in Debian's Chromium over the web harness and the real
 * core. A person adds a Kubernetes target (a malformed bucket refused in the form, an unknown context refused by the
 * core with the contexts there are), sees it listed, and removes it. Only the kubeconfig is read: no cluster runs here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../../electron/core/test-support/k8s-replay';
import { freshHome, removeHomes } from '../integration/helpers';
import { launchChromium, REPO_ROOT, startHarness, watchPageErrors, type Harness } from './harness';

const SCREENSHOT = path.join(REPO_ROOT, 'test-results', 'e2e-compute-targets.png');

let harness: Harness;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
const kubeconfig = path.join(freshHome(), 'config');

beforeAll(async () => {
  fs.writeFileSync(kubeconfig, kubeconfigYaml('https://10.20.30.40:6443', 'kind-edgepack'));
  harness = await startHarness({ env: { HOME: freshHome(), KUBECONFIG: kubeconfig } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  pageErrors = watchPageErrors(page);
  await page.goto(harness.url);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  const code = await harness?.stop();
  removeHomes();
  expect(code, `the harness should exit cleanly:\n${harness?.output.join('')}`).toBe(0);
  expect(pageErrors).toEqual([]);
});

describe('Settings → Compute targets', () => {
  it('adds a target with the same checks as the CLI, lists it and removes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Compute targets' });
    await section.getByText('No compute targets yet').waitFor();
    await section.getByRole('button', { name: 'Add target' }).click();
    const form = section.getByRole('form', { name: 'Add a compute target' });
    await form.getByLabel('Name', { exact: true }).fill('kind');
    await form.getByLabel('Kubernetes context').fill('prod-admin');
    await form.getByLabel('Namespace', { exact: true }).fill('edgepack');
    await form.getByLabel('S3 bucket').fill('B');
    await form.getByRole('button', { name: 'Add target' }).click();
    await form.getByText('BUCKET_NAME_INVALID').waitFor();

    await form.getByLabel('S3 bucket').fill('edgepack-exports');
    await form.getByRole('button', { name: 'Add target' }).click();
    await form.getByText('KUBE_CONTEXT_NOT_FOUND').waitFor();
    expect(await form.locator('.error-message').textContent()).toContain('its contexts: kind-edgepack');

    await form.getByLabel('Kubernetes context').fill('kind-edgepack');
    await form.getByLabel('Its nodes have NVIDIA GPUs').check();
    await form.getByRole('button', { name: 'Add target' }).click();
    const list = section.getByRole('table', { name: 'Compute targets list' });
    const row = list.getByRole('row', { name: /kind kind-edgepack edgepack edgepack-exports yes/ });
    await row.waitFor();
    await expect(form.count()).resolves.toBe(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await row.getByRole('button', { name: 'Remove kind' }).click();
    await section.getByText('No compute targets yet').waitFor();
  });
});
