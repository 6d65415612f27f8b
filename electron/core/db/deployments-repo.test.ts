import { beforeEach, describe, expect, it } from 'vitest';
import { DeploymentsRepo } from './deployments-repo';
import { openDatabase, type Db } from './open';

let db: Db;
let repo: DeploymentsRepo;

beforeEach(() => {
  db = openDatabase(':memory:');
  repo = new DeploymentsRepo(db);
});

describe('deployment targets', () => {
  it('records every status change in the history, with the status before and after', () => {
    repo.create({ id: 'd1', exportJobId: null, type: 'platform_endpoint', replicas: 2 });
    repo.transition('d1', 'deployed', 'active', {
      endpointUrl: 'http://127.0.0.1:8080/v1/infer/d1',
      apiKeyPrefix: 'ep_ab12',
    });
    repo.transition('d1', 'deactivated', 'inactive');
    expect(repo.get('d1')).toMatchObject({
      status: 'inactive',
      endpointUrl: 'http://127.0.0.1:8080/v1/infer/d1',
      apiKeyPrefix: 'ep_ab12',
      replicas: 2,
    });
    expect(repo.history('d1').map((e) => [e.event, e.statusBefore, e.statusAfter])).toEqual([
      ['created', null, 'pending'],
      ['deployed', 'pending', 'active'],
      ['deactivated', 'active', 'inactive'],
    ]);
  });

  it('adds up usage', () => {
    repo.create({ id: 'd1', exportJobId: null, type: 'platform_endpoint' });
    repo.recordRequest('d1', 12.5, '2026-01-01T00:00:00.000Z');
    repo.recordRequest('d1', 7.5, '2026-01-01T00:00:01.000Z');
    expect(repo.get('d1')).toMatchObject({
      requestCount: 2,
      totalInferenceTimeMs: 20,
      lastRequestAt: '2026-01-01T00:00:01.000Z',
    });
  });

  it('has a column for the key prefix only, never for the key itself', () => {
    const columns = (db.prepare('PRAGMA table_info(deployment_targets)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).toContain('api_key_prefix');
    expect(columns.filter((c) => /key/.test(c))).toEqual(['api_key_prefix']);
  });
});
