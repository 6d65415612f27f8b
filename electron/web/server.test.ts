import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tinyDetector } from '../../platform/test-support/tiny-models';
import { CONTENT_SECURITY_POLICY } from '../main/csp';
import { HARNESS_CONTENT_SECURITY_POLICY, startWebServer, type WebServer } from './server';

let server: WebServer;
let root: string;
let home: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-web-'));
  home = path.join(root, 'home');
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Edgepack</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'index.js'), 'console.log(1);\n');
  server = await startWebServer({
    home,
    port: 0,
    rendererDir,
    buildRenderer: false,
    maxUploadBytes: 64 * 1024,
    toolchainsDir: path.join(root, 'toolchains'),
    // No interpreter there: setting up the toolchain must fail with a clear error (and an event).
    python: path.join(root, 'no-python', 'python3'),
  });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const invoke = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(`/api/invoke/${channel}`, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

function uploadForm(name: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  return form;
}

function upload(name: string, bytes: Buffer) {
  return fetch(new URL('/api/upload', server.url), { method: 'POST', body: uploadForm(name, bytes) });
}

describe('web harness', () => {
  it('listens on loopback and serves the renderer with the CSP header', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Edgepack</title>');
    expect(response.headers.get('content-security-policy')).toBe(HARNESS_CONTENT_SECURITY_POLICY);
  });

  it("keeps the renderer's CSP and adds frame-ancestors 'none' to it", () => {
    const directives = HARNESS_CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim());
    for (const directive of CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim()))
      expect(directives).toContain(directive);
    expect(directives).toContain("frame-ancestors 'none'");
  });

  it('forbids framing on every response: pages, assets, API answers, errors and refusals', async () => {
    const port = new URL(server.url).port;
    const responses: [string, { status: number; headers: Record<string, string | string[] | undefined> }][] =
      [];
    const raw = (
      what: string,
      method: string,
      url: string,
      headers: Record<string, string> = {},
      body?: string,
    ) =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port, method, path: url, headers: { host: `127.0.0.1:${port}`, ...headers } },
          (response) => {
            response.resume();
            response.on('end', () => {
              responses.push([what, { status: response.statusCode ?? 0, headers: response.headers }]);
              resolve();
            });
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    const json = { 'content-type': 'application/json' };
    await raw('the page', 'GET', '/');
    await raw('index.html', 'GET', '/index.html');
    await raw('a script', 'GET', '/assets/index.js');
    await raw('a missing file', 'GET', '/no/such/file.js');
    await raw('a HEAD request', 'HEAD', '/');
    await raw('a channel', 'POST', '/api/invoke/models:list', json, '{}');
    await raw('an invalid request', 'POST', '/api/invoke/exports:get', json, '{"id":5}');
    await raw('an unknown channel', 'POST', '/api/invoke/models:explode', json, '{}');
    await raw('malformed JSON', 'POST', '/api/invoke/models:list', json, '{');
    await raw(
      'an upload without a file',
      'POST',
      '/api/upload',
      { 'content-type': 'multipart/form-data; boundary=x' },
      '--x--\r\n',
    );
    await raw('the event socket without an upgrade', 'GET', '/api/events');
    await raw(
      'a cross-site request',
      'POST',
      '/api/invoke/models:list',
      { ...json, origin: 'https://evil.example' },
      '{}',
    );
    await raw('a forged Host', 'GET', '/', { host: `evil.example:${port}` });
    await raw('a refused event socket', 'GET', '/api/events', {
      connection: 'Upgrade',
      upgrade: 'websocket',
      origin: 'https://evil.example',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    const statuses = new Set(responses.map(([, r]) => r.status));
    for (const status of [200, 400, 403, 404]) expect(statuses).toContain(status);
    for (const [what, response] of responses) {
      expect(response.headers['content-security-policy'], what).toBe(HARNESS_CONTENT_SECURITY_POLICY);
      expect(response.headers['x-frame-options'], what).toBe('DENY');
    }
  });

  it('answers contract channels from the core', async () => {
    const response = await invoke('models:list', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });

  it('answers bad requests with {error: {code, message, hint}} and a fitting status', async () => {
    const invalid = await invoke('exports:get', { id: 5 });
    expect(invalid.status).toBe(400);
    const { error } = (await invalid.json()) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/id/);

    const missing = await invoke('exports:get', { id: 'no-such-export' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('EXPORT_NOT_FOUND');

    const unknown = await invoke('models:explode', {});
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_CHANNEL');
  });

  it('refuses requests from other sites and other host names', async () => {
    const crossSite = await invoke('models:list', {}, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_ORIGIN');

    const port = new URL(server.url).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(rebound).toBe(403);
  });

  it('saves an upload under <home>/uploads with its file name, and the core can read it', async () => {
    const bytes = Buffer.from('plain text, not a model\n');
    const response = await upload('../../notes.pt', bytes);
    expect(response.status).toBe(200);
    const { path: saved } = (await response.json()) as { path: string };
    expect(saved.startsWith(path.join(home, 'uploads') + path.sep)).toBe(true);
    expect(path.basename(saved)).toBe('notes.pt');
    expect(fs.readFileSync(saved)).toEqual(bytes);

    const added = await invoke('models:add', { path: saved });
    expect(added.status).toBe(422);
    const { error } = (await added.json()) as { error: { code: string; hint: string } };
    expect(error.code).toBe('NOT_A_CHECKPOINT');
    expect(error.hint).not.toBe('');
    expect(await (await invoke('models:list', {})).json()).toEqual([]);
  });

  it("downloads an export's file (the browser's Show in folder), and answers 404 for a format it did not make", async () => {
    const model = tinyDetector();
    const { path: saved } = (await (await upload('pets.onnx', Buffer.from(model))).json()) as {
      path: string;
    };
    const { id: modelId } = (await (await invoke('models:add', { path: saved })).json()) as { id: string };
    const [job] = (await (await invoke('exports:list', { modelId })).json()) as { id: string }[];
    const file = await fetch(new URL(`/api/exports/${job!.id}/files/onnx`, server.url));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="model\.onnx"/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(model));
    const missing = await fetch(new URL(`/api/exports/${job!.id}/files/openvino`, server.url));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('EXPORT_FILE_NOT_FOUND');
    await invoke('models:remove', { id: modelId });
  });

  it('puts several uploads in one folder when asked (calibration images), and refuses a folder it did not make', async () => {
    const first = (await (await upload('a.png', Buffer.from('a'))).json()) as {
      folder: string;
      folderPath: string;
    };
    const second = await fetch(new URL(`/api/upload?folder=${first.folder}`, server.url), {
      method: 'POST',
      body: uploadForm('b.png', Buffer.from('b')),
    });
    expect(second.status).toBe(200);
    expect(((await second.json()) as { folderPath: string }).folderPath).toBe(first.folderPath);
    expect(fs.readdirSync(first.folderPath).sort()).toEqual(['a.png', 'b.png']);

    for (const folder of ['../../etc', '00000000-0000-0000-0000-000000000000']) {
      const refused = await fetch(new URL(`/api/upload?folder=${encodeURIComponent(folder)}`, server.url), {
        method: 'POST',
        body: uploadForm('c.png', Buffer.from('c')),
      });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'UPLOAD_FOLDER_UNKNOWN',
      );
    }
  });

  it('refuses an upload over the size limit and leaves nothing behind', async () => {
    const before = fs.readdirSync(path.join(home, 'uploads')).length;
    const response = await upload('huge.pt', Buffer.alloc(200 * 1024, 1));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UPLOAD_TOO_LARGE');
    expect(fs.readdirSync(path.join(home, 'uploads')).length).toBe(before);
  });

  it('pushes core events over the WebSocket', async () => {
    const socket = new WebSocket(server.url.replace('http:', 'ws:') + 'api/events');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const events: { event: string; payload: { stage?: string } }[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data))));

    const response = await invoke('toolchain:ensure', {});
    expect(response.status).toBe(503);
    const { error } = (await response.json()) as { error: { code: string; hint: string } };
    expect(error.code).toMatch(/^TOOLCHAIN_/);
    expect(error.hint).toMatch(/Python|EDGEPACK_PYTHON/);

    await expect
      .poll(() => events.map((e) => `${e.event}:${e.payload.stage}`))
      .toContain('toolchain:progress:failed');
    socket.close();
  });

  it('refuses the event socket to other sites', async () => {
    const socket = new WebSocket(server.url.replace('http:', 'ws:') + 'api/events', {
      headers: { origin: 'https://evil.example' },
    });
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (request, response) => {
        request.destroy();
        resolve(response.statusCode ?? 0);
      });
      socket.once('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });
});
