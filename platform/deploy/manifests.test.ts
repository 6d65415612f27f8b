import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = path.join(import.meta.dirname, 'k8s');
const objects: (Obj & { file: string })[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    yaml
      .loadAll(readFileSync(path.join(dir, file), 'utf8'))
      .filter(Boolean)
      .map((o) => ({ ...(o as Obj), file })),
  );

/** The API group/version each kind is served under in current Kubernetes (1.25+). */
const API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

const of = (kind: string) => objects.filter((o) => o.kind === kind);
const find = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('Kubernetes manifests', () => {
  it('are objects of known kinds with the right apiVersion, a DNS-safe name and the edgepack namespace', () => {
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const o of objects) {
      expect(API_VERSIONS[o.kind], `${o.file}: unknown kind ${o.kind}`).toBeDefined();
      expect(o.apiVersion, `${o.file} ${o.kind}`).toBe(API_VERSIONS[o.kind]);
      expect(o.metadata?.name, `${o.file} ${o.kind}`).toMatch(DNS_LABEL);
      if (o.kind !== 'Namespace')
        expect(o.metadata.namespace, `${o.file} ${o.metadata.name}`).toBe('edgepack');
    }
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has a Triton deployment with an HPA, and the service deployment', () => {
    expect(find('Deployment', 'triton')).toBeDefined();
    expect(find('Deployment', 'platform')).toBeDefined();
    expect(of('HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name)).toContain('triton');
  });

  it('Deployments: selector matches the pod labels, containers are complete, probes hit declared ports', () => {
    for (const d of of('Deployment')) {
      const labels = d.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels))
        expect(labels[k], `${d.metadata.name} selector ${k}`).toBe(v);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(1);
      for (const c of d.spec.template.spec.containers) {
        expect(c.name).toMatch(DNS_LABEL);
        expect(c.image).toMatch(/^[\w.\-/:]+:[\w.-]+$/);
        const portNames = new Set(c.ports.map((p: Obj) => p.name));
        const portNumbers = new Set(c.ports.map((p: Obj) => p.containerPort));
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
          expect(probe?.httpGet?.path).toMatch(/^\//);
          const port = probe.httpGet.port;
          expect(
            typeof port === 'string' ? portNames.has(port) : portNumbers.has(port),
            `${c.name} probe port ${port}`,
          ).toBe(true);
        }
        expect(c.resources?.requests?.cpu).toBeDefined();
        expect(c.resources?.requests?.memory).toBeDefined();
      }
    }
  });

  it('Deployments only reference volumes, claims, ConfigMaps and Secrets that exist', () => {
    for (const d of of('Deployment')) {
      const spec = d.spec.template.spec;
      const volumes = new Set((spec.volumes ?? []).map((v: Obj) => v.name));
      for (const v of spec.volumes ?? []) {
        if (v.persistentVolumeClaim)
          expect(find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)).toBeDefined();
      }
      for (const c of spec.containers) {
        for (const m of c.volumeMounts ?? [])
          expect(volumes.has(m.name), `${c.name} mounts ${m.name}`).toBe(true);
        for (const source of c.envFrom ?? []) {
          if (source.configMapRef) expect(find('ConfigMap', source.configMapRef.name)).toBeDefined();
          if (source.secretRef) expect(find('Secret', source.secretRef.name)).toBeDefined();
        }
      }
    }
  });

  it('Services select existing pods and target ports those pods declare', () => {
    for (const s of of('Service')) {
      const target = of('Deployment').find((d) =>
        Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(target, `service ${s.metadata.name} selects no deployment`).toBeDefined();
      const ports = target!.spec.template.spec.containers.flatMap((c: Obj) => c.ports);
      for (const p of s.spec.ports) {
        expect(p.port).toBeGreaterThan(0);
        const matches = ports.some(
          (cp: Obj) => cp.name === p.targetPort || cp.containerPort === p.targetPort,
        );
        expect(matches, `service ${s.metadata.name} targetPort ${p.targetPort}`).toBe(true);
      }
    }
  });

  it('HPAs target an existing Deployment with sane bounds and a resource metric', () => {
    for (const h of of('HorizontalPodAutoscaler')) {
      expect(h.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(find('Deployment', h.spec.scaleTargetRef.name)).toBeDefined();
      expect(h.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(h.spec.maxReplicas).toBeGreaterThan(h.spec.minReplicas);
      for (const m of h.spec.metrics) {
        expect(m.type).toBe('Resource');
        expect(m.resource.target.type).toBe('Utilization');
        expect(m.resource.target.averageUtilization).toBeGreaterThan(0);
        expect(m.resource.target.averageUtilization).toBeLessThanOrEqual(100);
      }
    }
  });

  it('the service is configured for Triton, PostgreSQL, Redis and S3, sharing the model repository with Triton', () => {
    const config = find('ConfigMap', 'platform-config')!.data;
    const secrets = find('Secret', 'platform-secrets')!.stringData;
    expect(config.PLATFORM_BACKEND).toBe('triton');
    expect(config.TRITON_URL).toMatch(/^http:\/\/triton\./);
    expect(config.TRITON_LOAD_URL).toMatch(/^http:\/\/triton-pods\./);
    expect(secrets.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(secrets.REDIS_URL).toMatch(/^redis:\/\//);
    expect(config.S3_BUCKET).toBeTruthy();
    const claim = (name: string) =>
      find('Deployment', name)!.spec.template.spec.volumes.find((v: Obj) => v.persistentVolumeClaim)
        .persistentVolumeClaim.claimName;
    expect(claim('platform')).toBe(claim('triton'));
    expect(find('PersistentVolumeClaim', claim('triton'))!.spec.accessModes).toContain('ReadWriteMany');
    const args: string[] = find('Deployment', 'triton')!.spec.template.spec.containers[0].args;
    expect(args).toContain('--model-control-mode=explicit');
    expect(args).toContain(`--model-repository=${config.TRITON_MODEL_REPOSITORY}`);
  });

  it('the Dockerfile runs the service as a non-root user on the configured port', () => {
    const dockerfile = readFileSync(path.join(import.meta.dirname, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toContain('PLATFORM_HOST=0.0.0.0');
    expect(dockerfile).toMatch(/^CMD \["node", "bin\/run-ts.mjs", "platform\/server\/main.ts"\]$/m);
    const main = path.join(import.meta.dirname, '..', 'server', 'main.ts');
    expect(readFileSync(main, 'utf8').length).toBeGreaterThan(0);
  });

  it('the image holds the platform workspace and every workspace it depends on, whole', () => {
    // What platform/ imports is its own files and its package.json's packages (the lint rule
    // edgepack/imports-within); the workspaces among those packages are copied as folders.
    const repo = path.resolve(import.meta.dirname, '..', '..');
    const json = (file: string) => JSON.parse(readFileSync(path.join(repo, file), 'utf8'));
    const workspaces = new Map<string, string>(
      (json('package.json').workspaces as string[]).map((folder) => [
        json(`${folder}/package.json`).name,
        folder,
      ]),
    );
    const folders = Object.keys(json('platform/package.json').dependencies)
      .filter((name) => workspaces.has(name))
      .map((name) => workspaces.get(name)!);
    expect(folders).toEqual(['native-runtimes/typescript']);
    const dockerfile = readFileSync(path.join(import.meta.dirname, 'Dockerfile'), 'utf8');
    const ignore = readFileSync(path.join(import.meta.dirname, 'Dockerfile.dockerignore'), 'utf8');
    for (const folder of ['platform', ...folders]) {
      expect(dockerfile).toContain(`COPY ${folder}/package.json ./${folder}/`);
      expect(dockerfile).toContain(`COPY ${folder} ./${folder}\n`);
      expect(ignore).toContain(`!${folder}/**\n`);
    }
  });
});
