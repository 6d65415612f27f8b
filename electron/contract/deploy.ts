import { z } from 'zod';
import { overrideViaSchema } from './validation';
import type { Prediction } from '../../native-runtimes/typescript/predictions';

const platformUrl = z
  .string()
  .trim()
  .url('must be a URL such as http://127.0.0.1:8080')
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://');
const token = z.string().trim().min(8, 'is too short to be an account token').max(512);
const deploymentId = z.string().min(1).max(128);
/** A deployment's name: 1–100 characters (the platform refuses longer ones too: its own DEPLOYMENT_NAME_MAX). */
export const DEPLOYMENT_NAME_MAX = 100;

/** Where the platform is and the account token it wants; the token goes to the SecretStore, never the database. */
export const deploySettingsRequest = z.object({ endpoint: platformUrl, token: token.optional() }).strict();
export type DeploySettingsRequest = z.input<typeof deploySettingsRequest>;

export const deployCreateRequest = z
  .object({
    exportId: z.string().min(1),
    /** Platform URL and token for this deploy; stored for later calls when given. */
    endpoint: platformUrl.optional(),
    token: token.optional(),
    name: z
      .string()
      .trim()
      .min(1, 'is empty: leave it out to name the deployment after its model')
      .max(DEPLOYMENT_NAME_MAX, `is longer than ${DEPLOYMENT_NAME_MAX} characters`)
      .optional(),
    overrideAccuracy: overrideViaSchema.optional(),
  })
  .strict();
export type DeployCreateRequest = z.input<typeof deployCreateRequest>;

export const deployIdRequest = z.object({ id: deploymentId }).strict();

/** A new model version of a deployment: an export's ONNX model, metadata.json and bundle zip. */
export const deployPushRequest = z
  .object({ id: deploymentId, exportId: z.string().min(1), overrideAccuracy: overrideViaSchema.optional() })
  .strict();
export type DeployPushRequest = z.input<typeof deployPushRequest>;
export const deployListRequest = z
  .object({ exportId: z.string().optional(), refresh: z.boolean().optional() })
  .strict();

/** Runs one image through a deployment's public endpoint, with its key (the playground). */
export const deployTestRequest = z
  .object({
    id: deploymentId,
    apiKey: z.string().trim().min(1, 'is empty: paste the key shown when the endpoint was created'),
    imagePath: z.string().min(1),
    confidenceThreshold: z.number().min(0).max(1).optional(),
  })
  .strict();
export type DeployTestRequest = z.input<typeof deployTestRequest>;

export interface DeploySettings {
  endpoint: string | null;
  hasToken: boolean;
  /** Where the token is kept: the OS keychain (Electron safeStorage) or a 0600 file in the data folder. */
  storage: 'keychain' | 'file';
}

export interface DeploymentUsage {
  requestCount: number;
  lastRequestAt: string | null;
  /** The platform's time on each request, decode to answer (not the model's inference alone), summed. */
  totalInferenceTimeMs: number;
  /** totalInferenceTimeMs per request: the server time of an average request. */
  averageInferenceTimeMs: number | null;
}

export interface DeploymentHistoryEntry {
  event: string;
  statusBefore: string | null;
  statusAfter: string | null;
  at: string;
}

export interface Deployment {
  id: string;
  exportId: string | null;
  name: string;
  platformUrl: string;
  endpointUrl: string | null;
  /** The first characters of the key, to recognise it; the key itself is shown once and never stored. */
  keyPrefix: string | null;
  status: string;
  tier: string | null;
  rateLimitPerMinute: number | null;
  usage: DeploymentUsage;
  /** A ready curl command with `$EDGEPACK_KEY` in place of the key. */
  curl: string | null;
  error: string | null;
  history: DeploymentHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

/** Creation and key regeneration: the only answers that carry the key. */
export interface DeploymentWithKey {
  deployment: Deployment;
  apiKey: string;
  /** The curl command with the key in it, ready to paste. */
  curl: string;
  /** On creation: the export's bundle zip uploaded with the model (offered among the downloads), or why not. */
  bundle?: DeployedBundle;
}

/** A new version pushed: the deployment as it is now, the version serving, and what happened to the bundle zip. */
export interface DeploymentPushed {
  deployment: Deployment;
  /** The platform's version number now serving (or recorded, for an inactive deployment). */
  version: number | null;
  bundle: DeployedBundle;
}

/**
 * The bundle package that went up with a deployment: reused when an up-to-date one existed, else built. `skipped`
 * when it could not be built or the platform would not take it; the endpoint is made all the same.
 */
export type DeployedBundle =
  | {
      status: 'uploaded';
      packageId: string;
      path: string;
      sizeBytes: number;
      sha256: string;
      reused: boolean;
    }
  | { status: 'skipped'; code: string; message: string; hint: string };

/** One file of the serving version, downloadable by anyone holding the link until it expires. */
export interface DeploymentDownload {
  /** model.onnx, metadata.json, bundle.zip */
  name: string;
  url: string;
  sizeBytes: number | null;
  sha256: string | null;
}

/** The platform's presigned download links for a deployment's serving version. */
export interface DeploymentDownloads {
  version: number;
  expiresAt: string;
  files: DeploymentDownload[];
}

export interface DeployTestResult {
  status: number;
  /** The endpoint's predictions: the runtime's vocabulary, as the preview has them. */
  predictions: Prediction[];
  image: { width: number; height: number } | null;
  timing: Record<string, number>;
  modelVersion: number | null;
  roundTripMs: number;
}
