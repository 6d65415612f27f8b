import { describe, expect, it } from 'vitest';
import { renderJob, type RemoteJobSpec } from './job-manifest';

const spec: RemoteJobSpec = {
  jobId: 'c0ffee00-0000-4000-8000-000000000001',
  image: 'edgepack-trainer:0.1.0',
  env: {
    EXPORT_JOB_ID: 'c0ffee00-0000-4000-8000-000000000001',
    EXPORT_FORMAT: 'onnx',
    OUTPUT_DIR: '/work/output',
  },
  secretEnv: { CALLBACK_TOKEN: 'epk_cb_secret-value', CHECKPOINT_URL: 'https://s3/…?X-Amz-Signature=sig' },
  gpu: false,
  resources: { cpu: '2', memory: '4Gi' },
  activeDeadlineSeconds: 3600,
  backoffLimit: 0,
  ttlSecondsAfterFinished: 600,
  namespace: 'edgepack',
};

describe('renderJob', () => {
  it('runs export.py with the plain env in the Job and the sensitive env only in the Secret', () => {
    const { secret, job } = renderJob(spec);
    const name = 'edgepack-export-c0ffee00-0000-4000-8000-000000000001';
    expect(secret).toMatchObject({ metadata: { name, namespace: 'edgepack' }, stringData: spec.secretEnv });
    const pod = job.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container).toMatchObject({
      command: ['python', 'trainers/ultralytics/export.py', '--log-level', 'INFO'],
      workingDir: '/app',
      envFrom: [{ secretRef: { name } }],
      securityContext: { runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true },
    });
    expect(container.env?.map((e) => e.name)).toEqual(['EXPORT_JOB_ID', 'EXPORT_FORMAT', 'OUTPUT_DIR']);
    expect(JSON.stringify(job)).not.toContain('epk_cb_secret-value');
    expect(JSON.stringify(job)).not.toContain('X-Amz-Signature');
    expect(pod).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false });
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 600,
    });
    expect(job.metadata?.labels).toEqual({
      'app.kubernetes.io/name': 'edgepack-trainer',
      'edgepack.dev/job-id': spec.jobId,
    });
  });

  it('refuses a job id that cannot name a Job, and a variable given both plain and secret', () => {
    expect(() => renderJob({ ...spec, jobId: 'Job_1' })).toThrow(
      expect.objectContaining({ code: 'REMOTE_JOB_ID_INVALID' }),
    );
    expect(() => renderJob({ ...spec, jobId: 'a'.repeat(48) })).toThrow(
      expect.objectContaining({ code: 'REMOTE_JOB_ID_INVALID' }),
    );
    expect(() => renderJob({ ...spec, env: { ...spec.env, CALLBACK_TOKEN: 'x' } })).toThrow(
      expect.objectContaining({ code: 'REMOTE_ENV_INVALID' }),
    );
  });
});
