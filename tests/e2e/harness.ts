import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env['EDGEPACK_CHROMIUM'] ?? '/usr/bin/chromium';

export interface Harness {
  url: string;
  home: string;
  output: string[];
  stop(): Promise<number | null>;
}

/** Starts `bin/edgepack-web.mjs` (what `npm run dev:web` runs) on a free port with a fresh data folder. */
export async function startHarness(
  options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<Harness> {
  const timeoutMs = options.timeoutMs ?? 240_000;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, EDGEPACK_HOME: home };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child: ChildProcess = spawn(process.execPath, ['bin/edgepack-web.mjs', '--port', '0'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`harness did not start:\n${output.join('')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /Edgepack web harness: (http:\/\/\S+)/.exec(output.join(''));
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited (${code}) before listening:\n${output.join('')}`));
    });
  });
  return {
    url,
    home,
    output,
    stop: async () => {
      const code =
        child.exitCode ??
        (await new Promise<number | null>((resolve) => {
          child.once('exit', (exitCode) => resolve(exitCode));
          child.kill('SIGTERM');
        }));
      fs.rmSync(home, { recursive: true, force: true });
      return code;
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Collects the page's uncaught errors and console errors (a test ends by expecting none); Chromium's own line for
 * each 4xx answer is left out when `expected4xx`, for tests that provoke refusals on purpose.
 */
export function watchPageErrors(page: Page, expected4xx = true): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (expected4xx && /status of 4\d\d/.test(message.text())) return;
    errors.push(message.text());
  });
  return errors;
}
