/**
 * Deploy from the desktop, as a person would: export the trained detect checkpoint with the CLI, `edgepack deploy
 * … --json` to the real platform service (on loopback), then curl the URL it printed with the key on a real image
 * and compare with `edgepack predict` on the same ONNX. Then the key's life: a wrong key, deactivate, reactivate,
 * regenerate, delete; and the clear errors for a missing or wrong account token and an unreachable platform.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestPlatform, type TestPlatform } from '../../platform/test-support/harness';
import type { Detection } from '../../electron/contract';
import { cli, fixture, freshHome, removeHomes, repo, startCli, type CliRun } from './helpers';

const IMAGE = fixture('images/shapes-1.png');
const BUS = path.join(repo, 'native-runtimes', 'typescript', 'test-images', 'bus.jpg');

interface CurlAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** The real curl binary, with the headers the printed command uses (PNG unless told). */
async function curl(url: string, key: string, image = IMAGE, type = 'png'): Promise<CurlAnswer> {
  const r = await promisify(execFile)(
    'curl',
    [
      '-s',
      '-w',
      '\n%{http_code}',
      '-X',
      'POST',
      url,
      '-H',
      `Authorization: Bearer ${key}`,
      '-H',
      `Content-Type: image/${type}`,
      '--data-binary',
      `@${image}`,
    ],
    { encoding: 'utf8' },
  );
  const lines = r.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

/** `edgepack …` without blocking: the platform under test answers from this same process. */
const edgepack = (args: string[]): Promise<CliRun> => startCli(home, args).done;
/** `edgepack deploy` of the export to the platform under test, with its URL and account token. */
const deployWithToken = (): Promise<CliRun> =>
  edgepack(['deploy', exportId, '--endpoint', platform.url, '--token', platform.token, '--json']);

let platform: TestPlatform;
const home = freshHome();
let exportId: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let deployed: any;

beforeAll(async () => {
  const run = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--json']);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  exportId = run.json.id;
  platform = await startTestPlatform({}, 'pro');
}, 600_000);

afterAll(async () => {
  await platform?.close();
  removeHomes();
});

describe('edgepack deploy', () => {
  it('refuses without a platform, naming what to give', async () => {
    const run = await edgepack(['deploy', exportId, '--json']);
    expect(run.code).toBe(1);
    expect(run.json.error.code).toBe('PLATFORM_NOT_CONFIGURED');
    expect(run.json.error.hint).toContain('--endpoint');
  });

  it('refuses a wrong account token with the platform’s own code, and an unreachable platform by name', async () => {
    const wrong = await edgepack([
      'deploy',
      exportId,
      '--endpoint',
      platform.url,
      '--token',
      'epk_acct_wrong0000000000',
      '--json',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.json.error.code).toBe('ACCOUNT_TOKEN_INVALID');
    expect(wrong.json.error.hint).toContain('--token');

    const closedPort = await freePort();
    const down = await edgepack([
      'deploy',
      exportId,
      '--endpoint',
      `http://127.0.0.1:${closedPort}`,
      '--token',
      platform.token,
      '--json',
    ]);
    expect(down.code).toBe(1);
    expect(down.json.error.code).toBe('PLATFORM_UNREACHABLE');
    expect(down.json.error.message).toContain(`127.0.0.1:${closedPort}`);
    expect(down.json.error.message).toContain('ECONNREFUSED');
    // Nothing was recorded for the failed attempts.
    expect((await edgepack(['deployments', 'list', '--json'])).json).toEqual([]);
  });

  it('deploys the export and prints the id, URL, key (once) and a ready curl command', async () => {
    const run = await deployWithToken();
    expect(run.code, run.stderr + run.stdout).toBe(0);
    deployed = run.json;
    expect(deployed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(deployed.endpointUrl).toBe(`${platform.url}/v1/infer/${deployed.id}`);
    expect(deployed.apiKey).toMatch(/^epk_live_[A-Za-z0-9]{32}$/);
    expect(deployed.curl).toContain(deployed.endpointUrl);
    expect(deployed.curl).toContain(`Bearer ${deployed.apiKey}`);
    expect(deployed.deployment).toMatchObject({
      status: 'active',
      exportId,
      tier: 'pro',
      rateLimitPerMinute: 100,
    });
    expect(deployed.apiKey.startsWith(deployed.deployment.keyPrefix.replace('…', ''))).toBe(true);
  });

  it('keeps only the key prefix locally, and the account token in a file only its owner can read', async () => {
    const db = new Database(path.join(home, 'edgepack.db'), { readonly: true });
    const row = db.prepare('SELECT * FROM deployment_targets WHERE id = ?').get(deployed.id) as Record<
      string,
      unknown
    >;
    db.close();
    expect(row['export_job_id']).toBe(exportId);
    expect(String(row['api_key_prefix']).length).toBeLessThan(20);
    for (const file of fs.readdirSync(home).filter((f) => fs.statSync(path.join(home, f)).isFile())) {
      expect(fs.readFileSync(path.join(home, file)).includes(deployed.apiKey), file).toBe(false);
    }
    const secrets = path.join(home, 'secrets.json');
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secrets, 'utf8')).toContain(platform.token);
  });

  it('answers curl on a real image with the predictions `edgepack predict` gives on the same ONNX', async () => {
    const answer = await curl(`${deployed.endpointUrl}?confidence_threshold=0.5`, deployed.apiKey);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const local = await edgepack(['predict', exportId, IMAGE, '--conf', '0.5', '--json']);
    expect(local.code, local.stderr).toBe(0);
    const want = local.json.results[0].predictions as Detection[];
    const got = answer.body.predictions as Detection[];
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((p) => p.class)).toEqual(want.map((p) => p.class));
    got.forEach((p, i) => {
      expect(p.confidence).toBeCloseTo(want[i]!.confidence, 4);
      p.bbox.forEach((v, j) => expect(Math.abs(v - want[i]!.bbox[j]!)).toBeLessThan(0.5));
    });
  });

  it('refuses a wrong key with 401', async () => {
    const answer = await curl(deployed.endpointUrl, `epk_live_${'x'.repeat(32)}`);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('API_KEY_INVALID');
  });

  it('refuses requests once deactivated, and serves again once reactivated', async () => {
    // Asked first: with no terminal to ask, refused, saying what it would do; the endpoint keeps answering.
    const unasked = await edgepack(['deployments', 'deactivate', deployed.id.slice(0, 8), '--json']);
    expect(unasked.code).toBe(1);
    expect(unasked.json.error.code).toBe('CONFIRMATION_NEEDED');
    expect(unasked.json.error.message).toContain(`Deactivating endpoint ${deployed.deployment.name}`);
    // (Asked of the platform, not by a request: the usage test below counts them.)
    expect((await edgepack(['deployments', 'show', deployed.id, '--json'])).json.status).toBe('active');
    const off = await edgepack(['deployments', 'deactivate', deployed.id.slice(0, 8), '--yes', '--json']);
    expect(off.code, off.stdout).toBe(0);
    expect(off.json.status).toBe('inactive');
    const refused = await curl(deployed.endpointUrl, deployed.apiKey);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('DEPLOYMENT_INACTIVE');

    const on = await edgepack(['deployments', 'reactivate', deployed.id, '--json']);
    expect(on.json.status).toBe('active');
    expect((await curl(deployed.endpointUrl, deployed.apiKey)).status).toBe(200);
  });

  it('regenerates the key (printed once for people, with the curl command): the new one works, the old one not', async () => {
    const run = await edgepack(['deployments', 'regenerate-key', deployed.id]);
    expect(run.code, run.stderr).toBe(0);
    const newKey = /API key\s+(epk_live_\w+)\s+\(shown only once/.exec(run.stdout)?.[1];
    expect(newKey, run.stdout).toBeDefined();
    expect(newKey).not.toBe(deployed.apiKey);
    expect(run.stdout).toContain(`curl -X POST "${deployed.endpointUrl}`);
    expect(run.stdout).toContain(`Bearer ${newKey}`);
    expect((await curl(deployed.endpointUrl, deployed.apiKey)).status).toBe(401);
    expect((await curl(deployed.endpointUrl, newKey!)).status).toBe(200);
    deployed.apiKey = newKey;
  });

  it('shows the usage figures the platform counted and the history with statuses before and after', async () => {
    let shown = (await edgepack(['deployments', 'show', deployed.id, '--json'])).json;
    // The platform writes its usage counters every 0.5 s.
    for (let i = 0; i < 20 && shown.usage.requestCount < 3; i++) {
      await new Promise((r) => setTimeout(r, 250));
      shown = (await edgepack(['deployments', 'show', deployed.id, '--json'])).json;
    }
    expect(shown.usage.requestCount).toBe(3); // the three 200s; refused requests are not usage
    expect(shown.usage.totalInferenceTimeMs).toBeGreaterThan(0);
    expect(shown.usage.lastRequestAt).not.toBeNull();
    expect(shown.history.map((h: { event: string }) => h.event)).toEqual([
      'created',
      'deployed',
      'deactivated',
      'reactivated',
      'key_regenerated',
    ]);
    expect(shown.history[2]).toMatchObject({ statusBefore: 'active', statusAfter: 'inactive' });
    const text = await edgepack(['deployments', 'show', deployed.id]);
    expect(text.stdout).toContain('3 requests');
  });

  it('gives the same JSON as `edgepack predict <export> bus.jpg --json` for the same photo', async () => {
    // Low thresholds so the shapes model finds something on a street photo; the same options on both sides.
    const answer = await curl(
      `${deployed.endpointUrl}?confidence_threshold=0.01`,
      deployed.apiKey,
      BUS,
      'jpeg',
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const local = await edgepack(['predict', exportId, BUS, '--conf', '0.01', '--json']);
    expect(local.code, local.stderr).toBe(0);
    const result = local.json.results[0];
    expect(result.predictions.length).toBeGreaterThan(0);
    // One vocabulary: {class, class_id, confidence, bbox}, the same keys and the same numbers, to the bit.
    expect(Object.keys(answer.body.predictions[0]).sort()).toEqual([
      'bbox',
      'class',
      'class_id',
      'confidence',
    ]);
    expect(JSON.stringify(answer.body.predictions)).toBe(JSON.stringify(result.predictions));
    expect(answer.body.task).toBe(result.task);
    expect(answer.body.image).toEqual({ width: result.image.width, height: result.image.height });
  });

  it('deletes the endpoint on the platform and keeps the local history', async () => {
    const unasked = await edgepack(['deployments', 'delete', deployed.id, '--json']);
    expect(unasked.code).toBe(1);
    expect(unasked.json.error).toMatchObject({
      code: 'CONFIRMATION_NEEDED',
      message: expect.stringContaining(
        `Deleting endpoint ${deployed.deployment.name} removes it from the platform`,
      ),
      hint: expect.stringContaining('--yes'),
    });
    expect((await curl(deployed.endpointUrl, deployed.apiKey)).status).toBe(200);
    const run = await edgepack(['deployments', 'delete', deployed.id, '--yes', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.status).toBe('deleted');
    expect((await curl(deployed.endpointUrl, deployed.apiKey)).status).toBe(404);
    const list = (await edgepack(['deployments', 'list', '--json'])).json;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: deployed.id, status: 'deleted' });
    const again = await edgepack(['deployments', 'reactivate', deployed.id, '--json']);
    expect(again.code).toBe(1);
    expect(again.json.error.code).toBe('DEPLOYMENT_DELETED');
  });

  it('deleting the export refuses while an endpoint of it is on the platform, unless told to deal with it first', async () => {
    const second = await deployWithToken();
    expect(second.code, second.stdout).toBe(0);
    const refused = await edgepack(['exports', 'delete', exportId, '--yes', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json.error).toMatchObject({
      code: 'ENDPOINTS_ON_PLATFORM',
      message: expect.stringContaining(`${second.json.deployment.name} (active, from v1)`),
    });
    expect((await curl(second.json.endpointUrl, second.json.apiKey)).status).toBe(200);

    const run = await edgepack([
      'exports',
      'delete',
      exportId,
      '--yes',
      '--endpoints',
      'deactivate',
      '--json',
    ]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.endpoints).toEqual([
      { id: second.json.deployment.id, name: second.json.deployment.name, status: 'inactive' },
    ]);
    expect((await curl(second.json.endpointUrl, second.json.apiKey)).status).toBe(403);
    // Still listed, so it can be reactivated or deleted from here.
    const kept = await edgepack(['deployments', 'delete', second.json.deployment.id, '--yes', '--json']);
    expect(kept.json.status).toBe('deleted');
  });

  it('refuses an export id that does not exist', async () => {
    const run = await edgepack(['deploy', 'nope-nope', '--json']);
    expect(run.code).toBe(1);
    expect(run.json.error.code).toBe('EXPORT_NOT_FOUND');
  });
});
