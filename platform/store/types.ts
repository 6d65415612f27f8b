import type { ModelInfo } from '@edgepack/runtime';
import type { PreprocessSpec } from '@edgepack/runtime/preprocess';
import type { Tier } from '../limits/tiers';

export type DeploymentStatus = 'deploying' | 'active' | 'inactive' | 'failed' | 'deleted';
export type VersionStatus = 'loading' | 'serving' | 'failed' | 'retired';
export type HistoryEventName =
  | 'deployed'
  | 'updated'
  | 'update_failed'
  | 'scaled'
  | 'deactivated'
  | 'reactivated'
  | 'key_regenerated'
  | 'failed'
  | 'deleted';

export interface Account {
  id: string;
  name: string;
  tier: Tier;
  tokenPrefix: string;
  createdAt: string;
}

export interface Usage {
  requestCount: number;
  lastRequestAt: string | null;
  totalInferenceTimeMs: number;
}

export interface Deployment {
  id: string;
  accountId: string;
  name: string;
  tier: Tier;
  status: DeploymentStatus;
  activeVersion: number | null;
  replicas: number;
  endpointUrl: string;
  keyPrefix: string | null;
  lastError: string | null;
  usage: Usage;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentVersion {
  deploymentId: string;
  version: number;
  status: VersionStatus;
  modelKey: string;
  metadataKey: string | null;
  modelSha256: string;
  modelBytes: number;
  modelInfo: ModelInfo;
  serving: ServingFacts;
  error: string | null;
  createdAt: string;
}

/** What the preview also needs besides ModelInfo to run a model: its preprocessing, input size and output order. */
export interface ServingFacts {
  spec: PreprocessSpec;
  /** [height, width] the image is resized to. */
  inputShape: [number, number];
  outputNames: string[];
}

export interface HistoryEntry {
  id: number;
  deploymentId: string;
  event: HistoryEventName;
  statusBefore: DeploymentStatus | null;
  statusAfter: DeploymentStatus | null;
  detail: string | null;
  at: string;
}

export type ExportJobStatus = 'registered' | 'running' | 'succeeded' | 'failed';

/** The last `progress` event a remote trainer reported. */
export interface ExportProgress {
  stage: string;
  fraction: number;
  message?: string;
}

/** A remote export job the platform relays for: the app registers it, the trainer's callbacks fill it in. */
export interface ExportJob {
  id: string;
  accountId: string;
  /** The app's own id for the export (the Kubernetes Job is named after it). */
  jobId: string;
  status: ExportJobStatus;
  progress: ExportProgress | null;
  /** Sequence number of the newest event received (0 before any). */
  lastSeq: number;
  completion: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

/** A protocol event as received, with the sequence number the platform gave it. */
export interface StoredExportEvent {
  seq: number;
  event: Record<string, unknown>;
}
