/**
 * The "done when", end to end: `npm run platform` (the real entry point, as a child process), a deploy over
 * HTTP, then the curl commands the deploy returned, on a real photo, answering what Ultralytics itself predicts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, packageForm } from '../test-support/harness';
import {
  exportedPackage,
  repo,
  runPython,
  toolchainPython,
  type ExportedPackage,
} from '../test-support/services';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let service: ChildProcess;
let output = '';
let url: string;
let workDir: string;
let pkg: ExportedPackage;

beforeAll(async () => {
  pkg = await exportedPackage('detect');
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'platform-e2e-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  service = spawn('npm', ['run', '--silent', 'platform'], {
    cwd: repo,
    env: {
      ...process.env,
      PLATFORM_PORT: String(port),
      PLATFORM_DATA_DIR: path.join(workDir, 'data'),
      PLATFORM_DEFAULT_TIER: 'pro',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  service.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  service.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/epk_acct_\w+/.test(output)) {
    if (Date.now() > deadline || service.exitCode !== null)
      throw new Error(`the service did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  if (service?.exitCode === null) process.kill(-service.pid!, 'SIGKILL');
  await fs.rm(workDir, { recursive: true, force: true });
});

function ultralyticsPredict(image: string, conf: number): number[][] {
  const script = `
import json, sys
from ultralytics import YOLO
r = YOLO(sys.argv[1], task="detect").predict(sys.argv[2], imgsz=160, conf=float(sys.argv[3]), iou=0.7, verbose=False)[0]
print(json.dumps([[int(c), float(s), *map(float, b)] for c, s, b in zip(r.boxes.cls, r.boxes.conf, r.boxes.xyxy)]))`;
  const lines = runPython(
    toolchainPython(),
    script,
    [path.join(pkg.dir, 'model.onnx'), image, String(conf)],
    {
      YOLO_OFFLINE: 'true',
      YOLO_AUTOINSTALL: 'false',
      ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS: '1',
      YOLO_CONFIG_DIR: path.join(repo, '.cache', 'ultralytics-config'),
    },
  )
    .trim()
    .split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

describe('npm run platform → deploy → curl', () => {
  let created: Json;

  it('starts with the embedded backend on loopback and prints an account token once', async () => {
    expect(output).toContain(`listening on ${url}`);
    expect(output).toContain('inference: embedded ONNX Runtime; database: sqlite');
    const health = (await (await fetch(`${url}/health/ready`)).json()) as Json;
    expect(health.status).toBe('ok');
  });

  it('deploys the exported package and returns a URL, a key and curl commands', async () => {
    const token = /epk_acct_\w+/.exec(output)![0];
    const response = await fetch(`${url}/api/v1/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: packageForm(pkg.onnx, pkg.metadataText, { name: 'shapes' }),
    });
    expect(response.status).toBe(201);
    created = (await response.json()) as Json;
    expect(created.endpoint_url).toBe(`${url}/v1/infer/${created.deployment.id}`);
    expect(created.curl).toContain(created.api_key);
  });

  for (const variant of ['curl', 'curl_json'] as const) {
    it(`answers the returned ${variant} command on a real photo with what Ultralytics predicts`, async () => {
      const photo = path.join(workDir, 'photo.jpg');
      await fs.copyFile(path.join(repo, 'native-runtimes', 'typescript', 'test-images', 'bus.jpg'), photo);
      const r = spawnSync('sh', ['-c', `${created[variant]} --silent --show-error`], {
        cwd: workDir,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const answer = JSON.parse(r.stdout) as Json;
      const expected = ultralyticsPredict(photo, 0.5);
      expect(answer.image).toEqual({ width: 810, height: 1080 });
      expect(answer.predictions).toHaveLength(expected.length);
      answer.predictions.forEach((p: Json, i: number) => {
        const [cls, score, ...box] = expected[i]!;
        expect(p.class).toBe(['circle', 'square', 'triangle'][cls!]);
        expect(p.confidence).toBeCloseTo(score!, 4);
        p.bbox.forEach((v: number, k: number) => expect(Math.abs(v - box[k]!)).toBeLessThan(0.01));
      });
    });
  }

  it('shuts down cleanly on SIGTERM', async () => {
    process.kill(-service.pid!, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await fetch(`${url}/health/live`).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe(true);
    expect(output).toContain('[platform] shutting down');
  });
});
