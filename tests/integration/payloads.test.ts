/**
 * Crafted malicious checkpoints (tests/fixtures/payloads.py: one per way past a checkpoint check) through the entry
 * points a person uses — `models add` and `export` in the CLI, and an upload through the web harness (the app's
 * renderer talks to the same core channels) — with the real trainer. If a payload ever ran it would create a canary
 * in this test's own temporary folder; none may appear, and each error names what was refused. Then the consent path:
 * a file the person trusts runs inside bubblewrap, with no network and nothing writable outside its job.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStatus } from '../../electron/core/toolchain/sandbox';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { cli, fixture, freshHome, removeHomes, repo, toolchainPython } from './helpers';

interface Payload {
  id: string;
  file: string;
  class: string;
  what: string;
  expect: { error: string; names: string[] };
}

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-payloads-'));
const probeServer = net.createServer((socket) => socket.on('data', (d) => received.push(d.toString())));
const received: string[] = [];
let probePort = 0;
let payloads: Payload[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
  probePort = (probeServer.address() as net.AddressInfo).port;
  const made = spawnSync(
    toolchainPython(),
    [fixture('payloads.py'), folder, '--probe-port', String(probePort)],
    { cwd: repo, encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
  payloads = JSON.parse(fs.readFileSync(path.join(folder, 'payloads.json'), 'utf8')) as Payload[];
});

afterAll(() => {
  probeServer.close();
  removeHomes();
  fs.rmSync(folder, { recursive: true, force: true });
});

const canaries = () => fs.readdirSync(folder).filter((f) => f.startsWith('canary-'));

function expectRefused(error: { code: string; message: string; hint: string }, payload: Payload) {
  expect(error.code, payload.id).toBe(payload.expect.error);
  for (const name of payload.expect.names) expect(`${error.message} ${error.hint}`).toContain(name);
}

describe('crafted checkpoints never run', () => {
  it('models add and export refuse every payload, name what they needed, and record nothing', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(17);
    for (const payload of payloads) {
      const home = freshHome();
      const file = path.join(folder, payload.file);
      const added = cli(home, ['models', 'add', file, '--json']);
      expect(added.code, payload.id).not.toBe(0);
      expectRefused(added.json.error, payload);
      const exported = cli(home, ['export', file, '--format', 'onnx', '--json']);
      expect(exported.code, payload.id).not.toBe(0);
      expectRefused(exported.json.error, payload);
      expect(cli(home, ['exports', 'list', '--json']).json).toEqual([]);
      expect(canaries(), payload.id).toEqual([]);
    }
  });

  it('the web harness refuses them the same way (upload, then models:add as the app does)', async () => {
    const home = freshHome();
    const server: WebServer = await startWebServer({
      home,
      port: 0,
      rendererDir: fs.mkdtempSync(path.join(home, 'renderer-')),
      buildRenderer: false,
      toolchainsDir: process.env['EDGEPACK_TOOLCHAINS']!,
    });
    try {
      for (const payload of payloads.filter((p) => p.class !== 'plain')) {
        const form = new FormData();
        form.append('file', new Blob([fs.readFileSync(path.join(folder, payload.file))]), payload.file);
        const uploaded = await fetch(new URL('/api/upload', server.url), { method: 'POST', body: form });
        const { path: stored } = (await uploaded.json()) as { path: string };
        const added = await fetch(new URL('/api/invoke/models:add', server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ path: stored }),
        });
        expect(added.status, payload.id).toBeGreaterThanOrEqual(400);
        expectRefused(((await added.json()) as { error: Payload['expect'] & never }).error, payload);
      }
      expect(canaries()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('consent', () => {
  const sandbox = sandboxStatus();
  // CI installs bubblewrap (.ci/run); a developer machine without it cannot run this one.
  const runIt = sandbox.available || process.env['CI'] ? it : it.skip;

  runIt('a trusted file loads inside bubblewrap: no network, nothing written outside its job', () => {
    expect(sandbox.available, sandbox.reason ?? '').toBe(true);
    const home = freshHome();
    const probe = JSON.parse(fs.readFileSync(path.join(folder, 'sandbox-probe.json'), 'utf8')) as Payload & {
      canary: string;
    };
    const refused = cli(home, ['models', 'add', path.join(folder, probe.file), '--json']);
    expect(refused.json.error.code).toBe('UNSAFE_PICKLE');
    expect(refused.json.error.message).toContain('builtins.exec');

    const trusted = cli(home, ['models', 'add', path.join(folder, probe.file), '--trust-unsafe', '--json']);
    // It ran (the person allowed it), and hit the sandbox's walls: the write failed, so the load failed.
    expect(trusted.json.error.code).toBe('CHECKPOINT_LOAD_FAILED');
    expect(trusted.json.error.message).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(folder, probe.canary))).toBe(false);
    expect(received).toEqual([]);
  });

  it('a trusted real checkpoint is added and exported, the trust reaching the export', () => {
    const home = freshHome();
    const file = fixture('bad/unlisted_global.pt');
    const run = cli(home, ['export', file, '--trust-unsafe', '--format', 'onnx', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'completed' });
    const model = cli(home, ['models', 'list', '--json']).json[0];
    expect(model.details.scan).toMatchObject({ unsafe: ['fractions.Fraction'], loader: 'trusted' });
    const again = cli(home, ['export', model.id, '--format', 'torchscript', '--json']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const log = cli(home, ['exports', 'log', again.json.id]).stdout;
    expect(log).toMatch(sandbox.available ? /loads in a sandbox/ : /WITHOUT a sandbox/);
  });
});
