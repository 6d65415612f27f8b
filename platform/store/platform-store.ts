import { randomUUID } from 'node:crypto';
import type { ModelInfo } from '@edgepack/runtime';
import { ultralyticsPreprocessSpec } from '@edgepack/runtime/preprocess';
import type { Tier } from '../limits/tiers';
import type { SqlDb } from './db';
import { ExportJobStore } from './export-jobs';
import { migrate } from './migrations';
import type {
  Account,
  Deployment,
  DeploymentStatus,
  DeploymentVersion,
  HistoryEntry,
  HistoryEventName,
  VersionStatus,
} from './types';

interface DeploymentRow {
  id: string;
  account_id: string;
  name: string;
  tier: Tier;
  status: DeploymentStatus;
  active_version: number | null;
  replicas: number;
  endpoint_url: string;
  key_prefix: string | null;
  last_error: string | null;
  request_count: number | string;
  last_request_at: string | null;
  total_inference_time_ms: number | string;
  created_at: string;
  updated_at: string;
}

interface VersionRow {
  deployment_id: string;
  version: number;
  status: VersionStatus;
  model_key: string;
  metadata_key: string | null;
  model_sha256: string;
  model_bytes: number | string;
  model_info: string;
  serving: string | null;
  error: string | null;
  created_at: string;
}

const DEPLOYMENT_COLUMNS = `d.id, d.account_id, d.name, a.tier, d.status, d.active_version, d.replicas, d.endpoint_url,
  d.key_prefix, d.last_error, d.request_count, d.last_request_at, d.total_inference_time_ms, d.created_at, d.updated_at`;

const now = () => new Date().toISOString();

/** Accounts, deployments, versions, keys, usage and history, over SQLite or PostgreSQL. */
export class PlatformStore {
  /** Remote export jobs (callbacks from trainers running elsewhere). */
  readonly exportJobs: ExportJobStore;

  constructor(readonly db: SqlDb) {
    this.exportJobs = new ExportJobStore(db);
  }

  async migrate(): Promise<number[]> {
    return migrate(this.db);
  }

  async createAccount(input: {
    name: string;
    tier: Tier;
    tokenHash: string;
    tokenPrefix: string;
  }): Promise<Account> {
    const account: Account = {
      id: randomUUID(),
      name: input.name,
      tier: input.tier,
      tokenPrefix: input.tokenPrefix,
      createdAt: now(),
    };
    await this.db.run(
      'INSERT INTO accounts (id, name, tier, token_hash, token_prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [account.id, account.name, account.tier, input.tokenHash, account.tokenPrefix, account.createdAt],
    );
    return account;
  }

  async accountByTokenHash(tokenHash: string): Promise<Account | undefined> {
    const row = await this.db.get<{
      id: string;
      name: string;
      tier: Tier;
      token_prefix: string;
      created_at: string;
    }>('SELECT id, name, tier, token_prefix, created_at FROM accounts WHERE token_hash = ?', [tokenHash]);
    return (
      row && {
        id: row.id,
        name: row.name,
        tier: row.tier,
        tokenPrefix: row.token_prefix,
        createdAt: row.created_at,
      }
    );
  }

  async countAccounts(): Promise<number> {
    const row = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM accounts');
    return Number(row?.n ?? 0);
  }

  async setAccountTier(accountId: string, tier: Tier): Promise<void> {
    await this.db.run('UPDATE accounts SET tier = ? WHERE id = ?', [tier, accountId]);
  }

  async createDeployment(input: {
    accountId: string;
    name: string;
    replicas: number;
    endpointUrl: (id: string) => string;
  }): Promise<string> {
    const id = randomUUID();
    const at = now();
    await this.db.run(
      `INSERT INTO deployments (id, account_id, name, status, replicas, endpoint_url, created_at, updated_at)
       VALUES (?, ?, ?, 'deploying', ?, ?, ?, ?)`,
      [id, input.accountId, input.name, input.replicas, input.endpointUrl(id), at, at],
    );
    return id;
  }

  async deployment(id: string): Promise<Deployment | undefined> {
    const row = await this.db.get<DeploymentRow>(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments d JOIN accounts a ON a.id = d.account_id WHERE d.id = ? AND d.status <> 'deleted'`,
      [id],
    );
    return row && toDeployment(row);
  }

  async deploymentsOf(accountId: string): Promise<Deployment[]> {
    const rows = await this.db.all<DeploymentRow>(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments d JOIN accounts a ON a.id = d.account_id
       WHERE d.account_id = ? AND d.status <> 'deleted' ORDER BY d.created_at DESC, d.id`,
      [accountId],
    );
    return rows.map(toDeployment);
  }

  async activeDeployments(): Promise<Deployment[]> {
    const rows = await this.db.all<DeploymentRow>(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments d JOIN accounts a ON a.id = d.account_id WHERE d.status = 'active'`,
    );
    return rows.map(toDeployment);
  }

  /** Changes status (and optionally the serving version / error) and records the transition in the history. */
  async transition(
    id: string,
    event: HistoryEventName,
    change: {
      status?: DeploymentStatus;
      activeVersion?: number | null;
      lastError?: string | null;
      replicas?: number;
      detail?: string | null;
    },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await tx.get<{ status: DeploymentStatus }>(
        'SELECT status FROM deployments WHERE id = ?',
        [id],
      );
      if (!before) return;
      const after = change.status ?? before.status;
      const at = now();
      await tx.run(
        `UPDATE deployments SET status = ?,
           active_version = CASE WHEN ? = 1 THEN ? ELSE active_version END,
           last_error = CASE WHEN ? = 1 THEN ? ELSE last_error END,
           replicas = COALESCE(?, replicas),
           updated_at = ?
         WHERE id = ?`,
        [
          after,
          change.activeVersion === undefined ? 0 : 1,
          change.activeVersion ?? null,
          change.lastError === undefined ? 0 : 1,
          change.lastError ?? null,
          change.replicas ?? null,
          at,
          id,
        ],
      );
      await tx.run(
        'INSERT INTO deployment_history (deployment_id, event, status_before, status_after, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
        [id, event, before.status, after, change.detail ?? null, at],
      );
    });
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const rows = await this.db.all<{
      id: number | string;
      deployment_id: string;
      event: HistoryEventName;
      status_before: DeploymentStatus | null;
      status_after: DeploymentStatus | null;
      detail: string | null;
      at: string;
    }>('SELECT * FROM deployment_history WHERE deployment_id = ? ORDER BY id', [id]);
    return rows.map((r) => ({
      id: Number(r.id),
      deploymentId: r.deployment_id,
      event: r.event,
      statusBefore: r.status_before,
      statusAfter: r.status_after,
      detail: r.detail,
      at: r.at,
    }));
  }

  async addVersion(version: Omit<DeploymentVersion, 'createdAt' | 'status' | 'error'>): Promise<void> {
    await this.db.run(
      `INSERT INTO deployment_versions (deployment_id, version, status, model_key, metadata_key, model_sha256, model_bytes, model_info, serving, created_at)
       VALUES (?, ?, 'loading', ?, ?, ?, ?, ?, ?, ?)`,
      [
        version.deploymentId,
        version.version,
        version.modelKey,
        version.metadataKey,
        version.modelSha256,
        version.modelBytes,
        JSON.stringify(version.modelInfo),
        JSON.stringify(version.serving),
        now(),
      ],
    );
  }

  async nextVersion(deploymentId: string): Promise<number> {
    const row = await this.db.get<{ v: number | string | null }>(
      'SELECT MAX(version) AS v FROM deployment_versions WHERE deployment_id = ?',
      [deploymentId],
    );
    return Number(row?.v ?? 0) + 1;
  }

  async setVersionStatus(
    deploymentId: string,
    version: number,
    status: VersionStatus,
    error: string | null = null,
  ): Promise<void> {
    await this.db.run(
      'UPDATE deployment_versions SET status = ?, error = ? WHERE deployment_id = ? AND version = ?',
      [status, error, deploymentId, version],
    );
  }

  async version(deploymentId: string, version: number): Promise<DeploymentVersion | undefined> {
    const row = await this.db.get<VersionRow>(
      'SELECT * FROM deployment_versions WHERE deployment_id = ? AND version = ?',
      [deploymentId, version],
    );
    return row && toVersion(row);
  }

  async versions(deploymentId: string): Promise<DeploymentVersion[]> {
    const rows = await this.db.all<VersionRow>(
      'SELECT * FROM deployment_versions WHERE deployment_id = ? ORDER BY version',
      [deploymentId],
    );
    return rows.map(toVersion);
  }

  /** Revokes the deployment's current key (if any) and stores the new one's hash. */
  async replaceKey(deploymentId: string, keyHash: string, keyPrefix: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const at = now();
      await tx.run('UPDATE api_keys SET revoked_at = ? WHERE deployment_id = ? AND revoked_at IS NULL', [
        at,
        deploymentId,
      ]);
      await tx.run(
        'INSERT INTO api_keys (id, deployment_id, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?)',
        [randomUUID(), deploymentId, keyHash, keyPrefix, at],
      );
      await tx.run('UPDATE deployments SET key_prefix = ?, updated_at = ? WHERE id = ?', [
        keyPrefix,
        at,
        deploymentId,
      ]);
    });
  }

  async activeKeyHash(deploymentId: string): Promise<string | null> {
    const row = await this.db.get<{ key_hash: string }>(
      'SELECT key_hash FROM api_keys WHERE deployment_id = ? AND revoked_at IS NULL',
      [deploymentId],
    );
    return row?.key_hash ?? null;
  }

  async revokeKeys(deploymentId: string): Promise<void> {
    await this.db.run('UPDATE api_keys SET revoked_at = ? WHERE deployment_id = ? AND revoked_at IS NULL', [
      now(),
      deploymentId,
    ]);
  }

  /** Adds usage accumulated since the last flush. */
  async addUsage(
    deploymentId: string,
    requests: number,
    inferenceMs: number,
    lastRequestAt: string,
  ): Promise<void> {
    await this.db.run(
      `UPDATE deployments SET request_count = request_count + ?, total_inference_time_ms = total_inference_time_ms + ?,
         last_request_at = CASE WHEN last_request_at IS NULL OR last_request_at < ? THEN ? ELSE last_request_at END
       WHERE id = ?`,
      [requests, inferenceMs, lastRequestAt, lastRequestAt, deploymentId],
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function toDeployment(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    tier: row.tier,
    status: row.status,
    activeVersion: row.active_version === null ? null : Number(row.active_version),
    replicas: Number(row.replicas),
    endpointUrl: row.endpoint_url,
    keyPrefix: row.key_prefix,
    lastError: row.last_error,
    usage: {
      requestCount: Number(row.request_count),
      lastRequestAt: row.last_request_at,
      totalInferenceTimeMs: Number(row.total_inference_time_ms),
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toVersion(row: VersionRow): DeploymentVersion {
  const modelInfo: ModelInfo = JSON.parse(row.model_info);
  return {
    deploymentId: row.deployment_id,
    version: Number(row.version),
    status: row.status,
    modelKey: row.model_key,
    metadataKey: row.metadata_key,
    modelSha256: row.model_sha256,
    modelBytes: Number(row.model_bytes),
    modelInfo,
    // Versions stored before migration 2 were detect/pose models exported by Ultralytics, fed at their imgsz.
    serving: row.serving
      ? JSON.parse(row.serving)
      : {
          spec: { ...ultralyticsPreprocessSpec(modelInfo.task), padValue: modelInfo.padValue },
          inputShape: modelInfo.imgsz,
          outputNames: [],
        },
    error: row.error,
    createdAt: row.created_at,
  };
}
