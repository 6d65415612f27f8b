/**
 * Clickjacking: another local page (here a second server on another port, so another origin) puts the web harness in
 * an iframe. Chromium must refuse to render it there, while the same page frames an ordinary page fine (the
 * control, so the check would see a harness that loaded).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { launchChromium } from './harness';

let root: string;
let harness: WebServer;
let foreign: http.Server;
let foreignUrl: string;
let browser: Browser;

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-framing-'));
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><title>Edgepack</title><p>harness</p>',
  );
  harness = await startWebServer({
    home: path.join(root, 'home'),
    port: 0,
    rendererDir,
    buildRenderer: false,
    toolchainsDir: path.join(root, 'toolchains'),
  });
  // The attacker's page, and an ordinary framable page on the same server (no framing headers).
  foreign = http.createServer((request, response) => {
    response.setHeader('content-type', 'text/html');
    if (request.url === '/plain') return response.end('<!doctype html><title>Plain</title><p>plain</p>');
    const src = new URL(request.url ?? '/', 'http://x').searchParams.get('src');
    if (!src) return response.writeHead(404).end();
    response.end(
      `<!doctype html><title>Foreign</title><iframe id="victim" src="${new URL(src).href}"></iframe>`,
    );
  });
  foreignUrl = await listen(foreign);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  foreign?.close();
  await harness?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/**
 * Opens the foreign page framing `src`: the frame's document title (null when nothing rendered in it), the frame's
 * URL (Chromium puts its error page, chrome-error://, in a frame it refuses) and the statuses `src` answered with.
 */
async function framed(
  src: string,
): Promise<{ title: string | null; url: string | null; answered: number[] }> {
  const page = await browser.newPage();
  // What the framed server answered (so a refusal is the browser's, not a network failure).
  const answered: number[] = [];
  page.on('response', (response) => {
    if (response.url() === src) answered.push(response.status());
  });
  try {
    await page.goto(`${foreignUrl}/?src=${encodeURIComponent(src)}`);
    const element = await page.waitForSelector('#victim');
    await page.waitForFunction("document.readyState === 'complete'");
    const frame = (await element.contentFrame()) as Frame | null;
    let title: string | null = null;
    if (frame && !frame.url().startsWith('chrome-error:')) {
      title = await frame.evaluate<string>('document.title').catch(() => null);
    }
    return { title, url: frame?.url() ?? null, answered };
  } finally {
    await page.close();
  }
}

describe('the web harness in a foreign page', () => {
  it('frames an ordinary page (control: the check sees a page that loaded)', async () => {
    const plain = await framed(`${foreignUrl}/plain`);
    expect(plain).toMatchObject({ title: 'Plain', url: `${foreignUrl}/plain`, answered: [200] });
  });

  it('is refused by Chromium: frame-ancestors none / X-Frame-Options DENY', async () => {
    const { title, url, answered } = await framed(harness.url);
    expect(answered).toEqual([200]); // the harness answered its page…
    expect(url).toMatch(/^chrome-error:/); // …and Chromium would not show it in the frame
    expect(title).toBeNull();
  });

  it('still opens as a page of its own', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(harness.url);
      expect(await page.title()).toBe('Edgepack');
    } finally {
      await page.close();
    }
  });
});
