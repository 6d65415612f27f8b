/**
 * A deployment's bundle zip, as a person gets it: export the detect checkpoint with the CLI, `edgepack deploy` it to
 * the platform on S3 storage (moto on loopback) and PostgreSQL, then `edgepack deployments show` lists bundle.zip
 * with a presigned S3 link; the bytes behind the link are the bundle package the app built. A second deploy reuses
 * that package; one moved away is built again; `deployments push` sends a new version with its bundle; a platform
 * whose cap the bundle exceeds still gets the endpoint.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../platform/test-support/harness';
import {
  createPgSchema,
  platformPython,
  startMoto,
  type ChildService,
  type PgSchema,
} from '../../platform/test-support/services';
import { cli, fixture, freshHome, removeHomes, startCli, type CliRun } from './helpers';

const bucket = 'edgepack-deploy-bundles';
const home = freshHome();
let exportId: string;
let moto: ChildService;
let s3: S3Client;
let schema: PgSchema;
let platform: TestPlatform;
let capped: TestPlatform;

/** `edgepack …` without blocking: the platforms under test answer from this same process. */
const edgepack = (args: string[]): Promise<CliRun> => startCli(home, args).done;
const deployTo = (p: TestPlatform) =>
  edgepack(['deploy', exportId, '--endpoint', p.url, '--token', p.token, '--json']);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  const run = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--json']);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  exportId = run.json.id;
  moto = await startMoto(platformPython());
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  schema = await createPgSchema();
  platform = await startTestPlatform({
    storage: { kind: 's3', bucket, prefix: 'platform/', endpoint: moto.url },
    databaseUrl: schema.url,
    databaseSchema: schema.schema,
  });
  capped = await startTestPlatform({ bundleLimitBytes: 1024 });
}, 600_000);

afterAll(async () => {
  await platform?.close();
  await capped?.close();
  await schema?.drop();
  s3?.destroy();
  await moto?.stop();
  removeHomes();
});

describe('edgepack deploy uploads the bundle zip; deployments show offers it', () => {
  let firstPackage: string;

  it('builds the bundle package, uploads it, and the presigned S3 link gives back its exact bytes', async () => {
    const deployed = await deployTo(platform);
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    const bundle = deployed.json.bundle;
    expect(bundle).toMatchObject({ status: 'uploaded', reused: false });
    firstPackage = bundle.packageId;
    const local = fs.readFileSync(bundle.path);
    expect(sha256(local)).toBe(bundle.sha256);
    const packages = await edgepack(['packages', 'list', '--json']);
    expect(packages.json.map((p: { id: string }) => p.id)).toContain(bundle.packageId);

    const shown = await edgepack(['deployments', 'show', deployed.json.id, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const files = shown.json.downloads.files as {
      name: string;
      url: string;
      sizeBytes: number;
      sha256: string;
    }[];
    expect(files.map((f) => f.name)).toEqual(['model.onnx', 'metadata.json', 'bundle.zip']);
    const offered = files[2]!;
    expect(offered).toMatchObject({ sizeBytes: local.length, sha256: bundle.sha256 });
    const url = new URL(offered.url);
    expect(url.origin).toBe(moto.url);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const downloaded = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(downloaded.equals(local)).toBe(true);

    const text = await edgepack(['deployments', 'show', deployed.json.id]);
    expect(text.stdout).toMatch(/Downloads {2}version 1, links valid until /);
    expect(text.stdout).toContain(`bundle.zip`);
    expect(text.stdout).toContain(`sha256 ${bundle.sha256}`);
  });

  it('reuses the up-to-date bundle package on the next deploy, and builds it again once it was moved away', async () => {
    const again = await deployTo(platform);
    expect(again.json.bundle).toMatchObject({ status: 'uploaded', reused: true, packageId: firstPackage });

    fs.renameSync(again.json.bundle.path, `${again.json.bundle.path}.moved`);
    const rebuilt = await deployTo(platform);
    expect(rebuilt.json.bundle).toMatchObject({ status: 'uploaded', reused: false });
    expect(rebuilt.json.bundle.packageId).not.toBe(firstPackage);
    const shown = await edgepack(['deployments', 'show', rebuilt.json.id, '--json']);
    const offered = shown.json.downloads.files.find((f: { name: string }) => f.name === 'bundle.zip');
    const downloaded = Buffer.from(await (await fetch(offered.url)).arrayBuffer());
    expect(downloaded.equals(fs.readFileSync(rebuilt.json.bundle.path))).toBe(true);
  });

  it('pushes a new version with its bundle zip: deployments show offers version 2’s files', async () => {
    const deployed = await deployTo(platform);
    const pushed = await edgepack(['deployments', 'push', deployed.json.id, exportId, '--json']);
    expect(pushed.code, pushed.stderr + pushed.stdout).toBe(0);
    expect(pushed.json).toMatchObject({ version: 2, bundle: { status: 'uploaded', reused: true } });
    expect(pushed.json.deployment.history.at(-1)).toMatchObject({
      event: 'updated',
      statusBefore: 'active',
      statusAfter: 'active',
    });
    const shown = await edgepack(['deployments', 'show', deployed.json.id, '--json']);
    expect(shown.json.downloads.version).toBe(2);
    const offered = shown.json.downloads.files.find((f: { name: string }) => f.name === 'bundle.zip');
    expect(offered.url).toContain(`/deployments/${deployed.json.id}/v2/bundle.zip`);
    const downloaded = Buffer.from(await (await fetch(offered.url)).arrayBuffer());
    expect(downloaded.equals(fs.readFileSync(pushed.json.bundle.path))).toBe(true);
  });

  it('still deploys when the platform will not take the bundle, and says why', async () => {
    const run = await deployTo(capped);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json.bundle).toMatchObject({
      status: 'skipped',
      code: 'BUNDLE_TOO_LARGE',
      message: expect.stringMatching(
        /^The platform did not take the bundle zip, so the deployment has none: /,
      ),
    });
    const shown = await edgepack(['deployments', 'show', run.json.id, '--json']);
    expect(shown.json.downloads.files.map((f: { name: string }) => f.name)).toEqual([
      'model.onnx',
      'metadata.json',
    ]);
    const text = await edgepack(['deploy', exportId, '--endpoint', capped.url, '--token', capped.token]);
    expect(text.stdout).toMatch(/Bundle {3}not uploaded: The platform did not take the bundle zip/);
  });
});
