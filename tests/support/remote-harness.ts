// The Tier-2 path run on this machine, for tests/integration/remote-export.test.ts and `npm run bench:remote`:
// moto S3, the real platform service on PostgreSQL, the Kubernetes API side as the RECORDED-EXCHANGE REPLAY SERVER
// (tests/fixtures/k8s-exchange, one replay per Job with its id and callback token put in), and the rendered Job's
// container run as a local process (local-kubelet.ts). What no test here shows: a real API server, scheduler,
// container runtime, image, or a cluster's network reaching the platform and the bucket.
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import { createCore, type CoreWithServices } from '../../electron/core';
import { FileSecretStore } from '../../electron/core/deploy/secret-store';
import type { RenderedJob } from '../../electron/core/remote/job-manifest';
import { openKube, type KubeJobs } from '../../electron/core/remote/kube';
import type { KubeJobsLike } from '../../electron/core/remote/parts';
import { remoteRunner } from '../../electron/core/remote/wiring';
import {
  loadExchange,
  replayExchange,
  type Exchange,
  type Replay,
} from '../../electron/core/test-support/k8s-replay';
import { startTestPlatform, type TestPlatform } from '../../platform/test-support/harness';
import {
  createPgSchema,
  platformPython,
  startMoto,
  type ChildService,
  type PgSchema,
} from '../../platform/test-support/services';
import { LocalKubelet } from './local-kubelet';

/** The job id, namespace and callback token the fixtures were recorded with. */
const RECORDED_JOB = 'c0ffee00-0000-4000-8000-000000000001';
const RECORDED_TOKEN = 'epk_cb_recorded';
export const RECORDED_NAMESPACE = 'edgepack';
export const BUCKET = 'edgepack-remote-e2e';

/** Which recorded exchanges a Job's API calls replay, in order (file names in tests/fixtures/k8s-exchange). */
export type Scenario = string[];

export interface JobRecord {
  replay: Replay;
  kube: KubeJobs;
  rendered: RenderedJob;
}

export interface RemoteHarness {
  moto: ChildService;
  platform: TestPlatform;
  kubelet: LocalKubelet;
  jobs: Map<string, JobRecord>;
  /** The exchanges the next created Job replays (default: just `create`). */
  nextScenario: Scenario;
  /** Called by the stand-in cluster when a Job's state is asked (a test deletes the "Job" there, say). */
  onState: ((jobId: string) => Promise<void>) | null;
  /** A core whose remote target `lab` (and the GPU-less `lab` itself) reaches all of the above. */
  core(home: string, polling?: { platformMs: number; kubeMs: number }): Promise<CoreWithServices>;
  objectKeys(): Promise<string[]>;
  close(): Promise<void>;
}

function exchangeFor(scenario: Scenario, jobId: string, token: string): Exchange {
  const steps = scenario.flatMap((name) => loadExchange(name).steps);
  const text = JSON.stringify({ about: scenario.join(' + '), steps })
    .replaceAll(RECORDED_JOB, jobId)
    .replaceAll(RECORDED_TOKEN, token);
  return JSON.parse(text) as Exchange;
}

export async function startRemoteHarness(python: string, repoRoot: string): Promise<RemoteHarness> {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  const moto = await startMoto(platformPython());
  const s3 = new S3Client({ endpoint: moto.url, forcePathStyle: true, region: 'us-east-1' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const pg: PgSchema = await createPgSchema();
  const platform = await startTestPlatform({ databaseUrl: pg.url, databaseSchema: pg.schema });
  const kubelet = new LocalKubelet(repoRoot, python);
  // The target's own kubeconfig: a replay of nothing, so any call through it (rather than a Job's) fails the test.
  const targetReplay = await replayExchange({ about: 'the target (no calls expected)', steps: [] });
  const jobs = new Map<string, JobRecord>();

  const harness: RemoteHarness = {
    moto,
    platform,
    kubelet,
    jobs,
    nextScenario: ['create'],
    onState: null,
    async core(home, polling) {
      const secrets = new FileSecretStore(path.join(home, 'secrets.json'));
      await secrets.set('platform.url', platform.url);
      await secrets.set('platform.token', platform.token);
      const core = await createCore({
        home,
        secretStore: secrets,
        remoteRunner: (targets, store) =>
          remoteRunner(targets, store, {
            wrapKube: () => standInCluster(harness),
            ...(polling ? { polling } : {}),
          }),
      });
      const known = (await core.handle('targets:list', {})).map((t) => t.name);
      for (const gpu of [false, true]) {
        if (known.includes(gpu ? 'lab-gpu' : 'lab')) continue;
        await core.handle('targets:add', {
          kind: 'k8s',
          name: gpu ? 'lab-gpu' : 'lab',
          context: 'recorded',
          namespace: RECORDED_NAMESPACE,
          bucket: BUCKET,
          s3Endpoint: moto.url,
          s3Region: 'us-east-1',
          kubeconfig: targetReplay.kubeconfig,
          gpu,
        });
      }
      return core;
    },
    async objectKeys() {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      return (listed.Contents ?? []).map((o) => o.Key!);
    },
    async close() {
      await kubelet.close();
      for (const job of jobs.values()) await job.replay.close();
      if (targetReplay.unexpected.length)
        throw new Error(`calls through the target: ${targetReplay.unexpected}`);
      await targetReplay.close();
      s3.destroy();
      await platform.close();
      await pg.drop();
      await moto.stop();
    },
  };
  return harness;
}

/**
 * The cluster as these tests have it: each Job's API calls go through the real client (kube.ts) to a replay of the
 * scenario recorded for it, and a created Job's container starts as a local process; deleting the Job kills it.
 */
function standInCluster(harness: RemoteHarness): KubeJobsLike<RenderedJob> {
  const job = (jobId: string) => {
    const record = harness.jobs.get(jobId);
    if (!record) throw new Error(`No Job ${jobId} was created.`);
    return record;
  };
  return {
    async create(rendered) {
      const jobId = rendered.job.metadata!.labels!['edgepack.dev/job-id']!;
      const token = rendered.secret.stringData!['CALLBACK_TOKEN']!;
      const replay = await replayExchange(exchangeFor(harness.nextScenario, jobId, token));
      const kube = openKube({
        context: 'recorded',
        namespace: RECORDED_NAMESPACE,
        kubeconfig: replay.kubeconfig,
      });
      harness.jobs.set(jobId, { replay, kube, rendered });
      await kube.create(rendered);
      harness.kubelet.run(rendered);
    },
    async state(jobId) {
      await harness.onState?.(jobId);
      return job(jobId).kube.state(jobId);
    },
    podLog: (jobId) => job(jobId).kube.podLog(jobId),
    async remove(jobId) {
      await harness.kubelet.kill(jobId);
      await job(jobId).kube.remove(jobId);
    },
  };
}

/** metadata.json of an export, without what differs between any two runs (paths, times, job ids). */
export function comparableMetadata(file: string): unknown {
  const volatile = /(_at|_path|_dir|path|time|date|job_id|id)$/i;
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => !volatile.test(k) && !/latency|_ms$|seconds/i.test(k))
          .map(([k, v]) => [k, strip(v)]),
      );
    return value;
  };
  return strip(JSON.parse(fs.readFileSync(file, 'utf8')));
}
