/**
 * `edgepack targets add k8s|list|remove` as a person runs them (bin/edgepack.mjs, --json checked against the
 * command's JSON Schema), with the bad inputs: no kubeconfig, an unknown context, a duplicate name, a malformed
 * field, an unknown target. Adding reads the kubeconfig only: no API server is called (none runs here).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../../electron/core/test-support/k8s-replay';
import { cli, freshHome, removeHomes } from './helpers';

afterAll(removeHomes);

const home = freshHome();
/** A HOME without ~/.kube/config and no KUBECONFIG: nothing to find unless --kubeconfig says where. */
const userHome = freshHome();
const env = { HOME: userHome, KUBECONFIG: '' };
const kubeconfig = path.join(freshHome(), 'config');
fs.writeFileSync(kubeconfig, kubeconfigYaml('https://10.20.30.40:6443', 'kind-edgepack'));
const add = (name: string, ...extra: string[]) =>
  cli(
    home,
    [
      'targets',
      'add',
      'k8s',
      name,
      '--namespace',
      'edgepack',
      '--bucket',
      'edgepack-exports',
      '--json',
      ...extra,
    ],
    env,
  );

describe('edgepack targets', () => {
  it('add checks the kubeconfig and context, then stores the target; list shows it; remove forgets it', () => {
    const added = add('kind', '--context', 'kind-edgepack', '--kubeconfig', kubeconfig, '--gpu');
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({
      name: 'kind',
      kind: 'k8s',
      context: 'kind-edgepack',
      namespace: 'edgepack',
      bucket: 'edgepack-exports',
      gpu: true,
      kubeconfig,
      s3Endpoint: null,
    });
    expect(added.json.image).toMatch(/^edgepack-trainer:.+-gpu$/);

    const listed = cli(home, ['targets', 'list', '--json'], env);
    expect(listed.json.map((t: { name: string }) => t.name)).toEqual(['kind']);
    expect(cli(home, ['targets'], env).stdout).toMatch(
      /kind\s+k8s\s+kind-edgepack\s+edgepack\s+edgepack-exports\s+yes/,
    );

    const removed = cli(home, ['targets', 'remove', 'kind', '--json'], env);
    expect(removed.json).toEqual({ removed: true, name: 'kind' });
    expect(cli(home, ['targets', 'list', '--json'], env).json).toEqual([]);
  });

  it('KUBECONFIG from the environment (a path list) is read as kubectl reads it', () => {
    const r = cli(
      home,
      [
        'targets',
        'add',
        'k8s',
        'from-env',
        '--context',
        'kind-edgepack',
        '--namespace',
        'ml',
        '--bucket',
        'b-1x',
        '--json',
      ],
      { ...env, KUBECONFIG: [path.join(userHome, 'missing'), kubeconfig].join(path.delimiter) },
    );
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ name: 'from-env', kubeconfig: null, gpu: false });
    cli(home, ['targets', 'remove', 'from-env'], env);
  });

  it('no kubeconfig: KUBECONFIG_NOT_FOUND names the path looked at; nothing stored', () => {
    const r = add('nowhere', '--context', 'kind-edgepack');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('KUBECONFIG_NOT_FOUND');
    expect(r.json.error.message).toContain(path.join(userHome, '.kube', 'config'));
    expect(cli(home, ['targets', 'list', '--json'], env).json).toEqual([]);
  });

  it('unknown context: KUBE_CONTEXT_NOT_FOUND lists the contexts there are', () => {
    const r = add('prod', '--context', 'prod-admin', '--kubeconfig', kubeconfig);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({ code: 'KUBE_CONTEXT_NOT_FOUND' });
    expect(r.json.error.message).toContain('its contexts: kind-edgepack');
  });

  it('a duplicate name is refused (TARGET_EXISTS) and the first target is kept as it was', () => {
    expect(add('twice', '--context', 'kind-edgepack', '--kubeconfig', kubeconfig).code).toBe(0);
    const again = add('twice', '--context', 'kind-edgepack', '--kubeconfig', kubeconfig, '--gpu');
    expect(again.code).toBe(1);
    expect(again.json.error.code).toBe('TARGET_EXISTS');
    expect(cli(home, ['targets', 'list', '--json'], env).json).toMatchObject([{ name: 'twice', gpu: false }]);
  });

  it('malformed fields and unknown names get errors that say what to type', () => {
    const name = add('GPU_Cluster', '--context', 'kind-edgepack', '--kubeconfig', kubeconfig);
    expect(name.json.error.code).toBe('TARGET_NAME_INVALID');
    const endpoint = add(
      's3',
      '--context',
      'kind-edgepack',
      '--kubeconfig',
      kubeconfig,
      '--s3-endpoint',
      'minio:9000',
    );
    expect(endpoint.json.error).toMatchObject({
      code: 'S3_ENDPOINT_INVALID',
      hint: expect.stringContaining('http://'),
    });
    const missing = cli(home, ['targets', 'remove', 'nope', '--json'], env);
    expect(missing.json.error).toMatchObject({
      code: 'TARGET_NOT_FOUND',
      message: expect.stringContaining('twice'),
    });
    const kind = cli(
      home,
      ['targets', 'add', 'gke', 'x', '--context', 'c', '--namespace', 'n', '--bucket', 'bbb', '--json'],
      env,
    );
    expect(kind.code).toBe(2);
    expect(kind.json.error.code).toBe('USAGE');
  });
});
