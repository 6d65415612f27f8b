/**
 * Every variant of the remote export's Secret + Job (electron/core/remote/job-manifest.ts) checked against Kubernetes'
 * own OpenAPI schema by `kubernetes-validate --strict` (PyPI, pinned in native-runtimes/requirements-test.txt), plus a
 * broken Job the same check rejects, so the check is known to be able to fail. No API server runs here: this is the
 * schema the API server would apply, not an admission by a live cluster.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJob, type RemoteJobSpec } from '../../electron/core/remote/job-manifest';
// @ts-expect-error -- plain ESM helper without types
import { runtimesPython } from '../../scripts/runtimes-python.mjs';

const KUBERNETES_VERSION = '1.33.0';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-k8s-validate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base: RemoteJobSpec = {
  jobId: '6f1c1d0e-2b7a-4c1e-9a53-0f3e2d1c4b5a',
  image: 'registry.example.com/edgepack-trainer:0.1.0',
  env: {
    EXPORT_JOB_ID: '6f1c1d0e-2b7a-4c1e-9a53-0f3e2d1c4b5a',
    EXPORT_FORMAT: 'onnx',
    CHECKPOINT_PATH: '/work/checkpoint.pt',
    EXPORT_CONFIG: '{"imgsz":640}',
    OPTIMIZATION_CONFIG: '{}',
    OUTPUT_DIR: '/work/output',
    CALLBACK_URL: 'https://platform.example.com/api/v1/export/j1/callback/completion',
    PROGRESS_URL: 'https://platform.example.com/api/v1/export/j1/callback/progress',
  },
  secretEnv: {
    CHECKPOINT_URL: 'https://bucket.s3.amazonaws.com/edgepack/exports/j1/checkpoint.pt?X-Amz-Signature=abc',
    ARTIFACTS_URL: 'https://bucket.s3.amazonaws.com/edgepack/exports/j1/artifacts.tar.gz?X-Amz-Signature=def',
    CALLBACK_TOKEN: 'epk_cb_0123456789abcdef',
  },
  gpu: false,
  resources: { cpu: '2', memory: '4Gi' },
  activeDeadlineSeconds: 3600,
  backoffLimit: 0,
  ttlSecondsAfterFinished: 600,
  namespace: 'edgepack',
};

const variants: Record<string, RemoteJobSpec> = {
  cpu: base,
  gpu: { ...base, gpu: true, env: { ...base.env, EXPORT_FORMAT: 'onnx,engine' } },
  'custom resources and deadlines': {
    ...base,
    resources: { cpu: '500m', memory: '1536Mi' },
    activeDeadlineSeconds: 7200,
    ttlSecondsAfterFinished: 60,
    backoffLimit: 1,
    namespace: 'team-vision',
  },
};

/** kubernetes-validate --strict on JSON files (YAML's superset): exit code and what it printed. */
function validate(name: string, objects: unknown[]): { code: number | null; output: string } {
  const files = objects.map((object, i) => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}-${i}.json`);
    fs.writeFileSync(file, JSON.stringify(object));
    return file;
  });
  const bin = path.join(path.dirname(runtimesPython() as string), 'kubernetes-validate');
  const r = spawnSync(bin, ['--strict', '-k', KUBERNETES_VERSION, ...files], { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('remote export Job manifests against Kubernetes’ own schema (kubernetes-validate)', () => {
  for (const [name, spec] of Object.entries(variants)) {
    it(`${name}: the Secret and the Job pass --strict validation`, () => {
      const { secret, job } = renderJob(spec);
      const r = validate(name, [secret, job]);
      expect(r.output).not.toMatch(/ERROR|INVALID/i);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/passed for resource secret\/edgepack-export-/);
      expect(r.output).toMatch(/passed for resource job\/edgepack-export-/);
    });
  }

  it('a GPU limit only when asked, with the toleration GPU nodes carry', () => {
    const limits = (s: RemoteJobSpec) =>
      renderJob(s).job.spec?.template.spec?.containers[0]?.resources?.limits ?? {};
    expect(limits(variants['gpu']!)['nvidia.com/gpu']).toBe('1');
    expect(limits(base)).toEqual({ cpu: '2', memory: '4Gi' });
    expect(renderJob(base).job.spec?.template.spec?.tolerations).toBeUndefined();
  });

  it('the validator rejects a broken Job (so the check above can fail)', () => {
    const { job } = renderJob(base);
    const broken = structuredClone(job) as unknown as {
      spec: { backoffLimit: unknown; template: { spec: { containers: Record<string, unknown>[] } } };
    };
    broken.spec.backoffLimit = 'none'; // an integer in the schema
    broken.spec.template.spec.containers[0]!['imagePullPolice'] = 'Always'; // a misspelt field (--strict)
    const r = validate('broken', [broken]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/backoffLimit|imagePullPolice/);
  });
});
