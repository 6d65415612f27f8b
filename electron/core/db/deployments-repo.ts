import type { Db } from './open';
import { nowIso, readJson, writeJson } from './json';

/** A place an export is deployed to (the seed's DeploymentTarget). The API key itself is never stored here. */
export interface DeploymentTarget {
  id: string;
  exportJobId: string | null;
  type: string;
  config: Record<string, unknown>;
  endpointUrl: string | null;
  apiKeyPrefix: string | null;
  replicas: number;
  autoScaling: Record<string, unknown> | null;
  status: string;
  requestCount: number;
  lastRequestAt: string | null;
  totalInferenceTimeMs: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentEvent {
  id: number;
  deploymentId: string;
  event: string;
  statusBefore: string | null;
  statusAfter: string | null;
  details: Record<string, unknown> | null;
  at: string;
}

interface TargetRow {
  id: string;
  export_job_id: string | null;
  type: string;
  config: string;
  endpoint_url: string | null;
  api_key_prefix: string | null;
  replicas: number;
  auto_scaling: string | null;
  status: string;
  request_count: number;
  last_request_at: string | null;
  total_inference_time_ms: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface HistoryRow {
  id: number;
  deployment_id: string;
  event: string;
  status_before: string | null;
  status_after: string | null;
  details: string | null;
  at: string;
}

const toTarget = (r: TargetRow): DeploymentTarget => ({
  id: r.id,
  exportJobId: r.export_job_id,
  type: r.type,
  config: readJson(r.config, {}),
  endpointUrl: r.endpoint_url,
  apiKeyPrefix: r.api_key_prefix,
  replicas: r.replicas,
  autoScaling: readJson(r.auto_scaling, null),
  status: r.status,
  requestCount: r.request_count,
  lastRequestAt: r.last_request_at,
  totalInferenceTimeMs: r.total_inference_time_ms,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toEvent = (r: HistoryRow): DeploymentEvent => ({
  id: r.id,
  deploymentId: r.deployment_id,
  event: r.event,
  statusBefore: r.status_before,
  statusAfter: r.status_after,
  details: readJson(r.details, null),
  at: r.at,
});

export type NewDeploymentTarget = Pick<DeploymentTarget, 'id' | 'exportJobId' | 'type'> &
  Partial<
    Pick<DeploymentTarget, 'config' | 'endpointUrl' | 'apiKeyPrefix' | 'replicas' | 'autoScaling' | 'status'>
  >;

/** Deployment targets and their history; every status change is recorded with the status before and after. */
export class DeploymentsRepo {
  constructor(private readonly db: Db) {}

  create(target: NewDeploymentTarget): DeploymentTarget {
    const at = nowIso();
    const status = target.status ?? 'pending';
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO deployment_targets (id, export_job_id, type, config, endpoint_url, api_key_prefix, replicas,
             auto_scaling, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          target.id,
          target.exportJobId,
          target.type,
          JSON.stringify(target.config ?? {}),
          target.endpointUrl ?? null,
          target.apiKeyPrefix ?? null,
          target.replicas ?? 1,
          writeJson(target.autoScaling),
          status,
          at,
          at,
        );
      this.record(target.id, 'created', null, status, null, at);
    })();
    return this.get(target.id)!;
  }

  get(id: string): DeploymentTarget | null {
    const row = this.db.prepare('SELECT * FROM deployment_targets WHERE id = ?').get(id) as
      TargetRow | undefined;
    return row ? toTarget(row) : null;
  }

  list(exportJobId?: string): DeploymentTarget[] {
    const rows = exportJobId
      ? this.db
          .prepare('SELECT * FROM deployment_targets WHERE export_job_id = ? ORDER BY created_at DESC')
          .all(exportJobId)
      : this.db.prepare('SELECT * FROM deployment_targets ORDER BY created_at DESC').all();
    return (rows as TargetRow[]).map(toTarget);
  }

  /** Changes the status (and optionally other fields), writing a history event with the transition. */
  transition(
    id: string,
    event: string,
    statusAfter: string,
    changes: Partial<
      Pick<DeploymentTarget, 'exportJobId' | 'endpointUrl' | 'apiKeyPrefix' | 'replicas' | 'error'>
    > = {},
    details: Record<string, unknown> | null = null,
  ): DeploymentTarget {
    const at = nowIso();
    this.db
      .transaction(() => {
        const before = this.get(id);
        if (!before) throw new Error(`no deployment target ${id}`);
        this.db
          .prepare(
            `UPDATE deployment_targets SET status = ?, export_job_id = ?, endpoint_url = ?, api_key_prefix = ?,
               replicas = ?, error = ?, updated_at = ? WHERE id = ?`,
          )
          .run(
            statusAfter,
            changes.exportJobId !== undefined ? changes.exportJobId : before.exportJobId,
            changes.endpointUrl !== undefined ? changes.endpointUrl : before.endpointUrl,
            changes.apiKeyPrefix !== undefined ? changes.apiKeyPrefix : before.apiKeyPrefix,
            changes.replicas ?? before.replicas,
            changes.error !== undefined ? changes.error : before.error,
            at,
            id,
          );
        this.record(id, event, before.status, statusAfter, details, at);
      })
      .immediate();
    return this.get(id)!;
  }

  /** Adds one served request to the usage figures. */
  recordRequest(id: string, inferenceMs: number, at = nowIso()): void {
    this.db
      .prepare(
        `UPDATE deployment_targets SET request_count = request_count + 1, last_request_at = ?,
           total_inference_time_ms = total_inference_time_ms + ?, updated_at = ? WHERE id = ?`,
      )
      .run(at, inferenceMs, at, id);
  }

  /** Mirrors the usage figures a remote endpoint reports (the platform counts the requests, not this app). */
  setUsage(
    id: string,
    usage: Pick<DeploymentTarget, 'requestCount' | 'lastRequestAt' | 'totalInferenceTimeMs'>,
  ): void {
    this.db
      .prepare(
        `UPDATE deployment_targets SET request_count = ?, last_request_at = ?, total_inference_time_ms = ?
           WHERE id = ?`,
      )
      .run(usage.requestCount, usage.lastRequestAt, usage.totalInferenceTimeMs, id);
  }

  history(id: string): DeploymentEvent[] {
    return (
      this.db
        .prepare('SELECT * FROM deployment_history WHERE deployment_id = ? ORDER BY id')
        .all(id) as HistoryRow[]
    ).map(toEvent);
  }

  private record(
    id: string,
    event: string,
    before: string | null,
    after: string | null,
    details: Record<string, unknown> | null,
    at: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO deployment_history (deployment_id, event, status_before, status_after, details, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, event, before, after, writeJson(details), at);
  }
}
