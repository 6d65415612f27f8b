/**
 * The one contract between the renderer and the core: channel names, request validation, response types.
 * Electron's IPC, the web harness and the renderer's hosts all read this table.
 */
import { z } from 'zod';
import type { ModelAdded, ModelRecord } from './models';
import { modelIdRequest, modelsAddRequest } from './models';
import type { ExportFile, ExportJob } from './exports';
import {
  exportConfigRange,
  exportFileRequest,
  exportIdRequest,
  exportsCreateRequest,
  exportsListRequest,
} from './exports';
import type { ToolchainProgress, ToolchainReport, ToolchainStatus } from './toolchain';
import type { AccuracyGate, AccuracyThreshold, ExportValidation } from './validation';
import { accuracyOverrideRequest, accuracyThresholdRequest, exportsValidateRequest } from './validation';
import { toolchainRequest } from './toolchain';
import type { CapabilityMatrix } from './capabilities';
import { capabilitiesRequest } from './capabilities';
import type { Deployment, DeploymentWithKey, DeploySettings, DeployTestResult } from './deploy';
import {
  DEPLOYMENT_NAME_MAX,
  deployCreateRequest,
  deployIdRequest,
  deployListRequest,
  deploySettingsRequest,
  deployTestRequest,
} from './deploy';
import type { AppErrorShape } from './errors';
import type { PackageBuilt, PackageListed, PackageProgress, PackageTargetInfo } from './packages';
import {
  packageIdRequest,
  packagesCreateRequest,
  packagesListAllRequest,
  packagesListRequest,
  packagesTargetsRequest,
} from './packages';
import type { RemovalOutcome, RemovalPlan } from './removal';
import type { RemoteTarget } from './targets';
import { targetNameRequest, targetsAddRequest } from './targets';
import { exportsDeleteRequest, modelsRemoveRequest, removalPlanRequest } from './removal';
import type {
  PreviewBatchStarted,
  PreviewFinished,
  PreviewItem,
  PreviewModel,
  PreviewProgress,
  PreviewResult,
} from './preview';
import {
  previewBatchRequest,
  previewDescribeRequest,
  previewOpenRequest,
  previewPredictRequest,
  previewReleaseRequest,
  previewRunIdRequest,
} from './preview';

export * from './errors';
export * from './tasks';
export * from './formats';
export * from './models';
export * from './exports';
export * from './validation';
export * from './toolchain';
export * from './preview';
export * from './capabilities';
export * from './deploy';
export * from './label-layout';
export * from './packages';
export * from './removal';
export * from './targets';

const empty = z.object({}).strict();

export const channels = {
  'models:add': { request: modelsAddRequest, response: null as unknown as ModelAdded },
  'models:list': { request: empty, response: null as unknown as ModelRecord[] },
  'models:get': { request: modelIdRequest, response: null as unknown as ModelRecord },
  /** What removing the model takes away (exports, files, endpoints on the platform), to ask before. */
  'models:removal': { request: removalPlanRequest, response: null as unknown as RemovalPlan },
  'models:remove': {
    request: modelsRemoveRequest,
    response: null as unknown as { removed: true } & RemovalOutcome,
  },
  'exports:create': { request: exportsCreateRequest, response: null as unknown as ExportJob },
  'exports:list': { request: exportsListRequest, response: null as unknown as ExportJob[] },
  'exports:get': { request: exportIdRequest, response: null as unknown as ExportJob },
  'exports:log': { request: exportIdRequest, response: null as unknown as string[] },
  'exports:cancel': { request: exportIdRequest, response: null as unknown as ExportJob },
  'exports:setDefault': { request: exportIdRequest, response: null as unknown as ExportJob },
  'exports:removal': { request: removalPlanRequest, response: null as unknown as RemovalPlan },
  'exports:delete': {
    request: exportsDeleteRequest,
    response: null as unknown as { deleted: true } & RemovalOutcome,
  },
  'exports:reveal': { request: exportIdRequest, response: null as unknown as { path: string } },
  /** Where one format's file is (the Electron host shows it in the file manager; the web harness downloads it). */
  'exports:revealFile': { request: exportFileRequest, response: null as unknown as ExportFile },
  /** Resolves when the job has ended (at once when it already has). */
  'exports:wait': { request: exportIdRequest, response: null as unknown as ExportJob },
  /** The metadata.json written beside the export's files, when it has one. */
  'exports:metadata': { request: exportIdRequest, response: null as unknown as { path: string | null } },
  /** Accuracy on a labelled dataset, of the export's checkpoint and runnable formats; resolves when done. */
  'exports:validate': { request: exportsValidateRequest, response: null as unknown as ExportValidation },
  /** The export's validation runs, newest first. */
  'exports:validations': { request: exportIdRequest, response: null as unknown as ExportValidation[] },
  /** Stops the export's running validation; it ends partial, keeping the figures measured so far. */
  'exports:cancelValidation': {
    request: exportIdRequest,
    response: null as unknown as { cancelled: boolean },
  },
  /** The accuracy threshold applied to the export's latest validation: the formats failed on accuracy. */
  'exports:accuracyGate': { request: exportIdRequest, response: null as unknown as AccuracyGate },
  /** Ships a format failed on accuracy anyway (recorded against the run that failed it). */
  'exports:overrideAccuracy': { request: accuracyOverrideRequest, response: null as unknown as AccuracyGate },
  /** Points of mAP (top-1 for classify) a format may lose against the original before it fails (global). */
  'settings:accuracyThreshold': { request: empty, response: null as unknown as AccuracyThreshold },
  'settings:setAccuracyThreshold': {
    request: accuracyThresholdRequest,
    response: null as unknown as AccuracyThreshold,
  },
  'toolchain:doctor': { request: toolchainRequest, response: null as unknown as ToolchainReport },
  'toolchain:ensure': { request: toolchainRequest, response: null as unknown as ToolchainReport },
  /** The last report at once, refreshed in the background (the fresh one arrives as `toolchain:checked`). */
  'toolchain:status': { request: empty, response: null as unknown as ToolchainStatus },
  'capabilities:get': { request: capabilitiesRequest, response: null as unknown as CapabilityMatrix },
  'preview:open': { request: previewOpenRequest, response: null as unknown as PreviewModel },
  'preview:describe': { request: previewDescribeRequest, response: null as unknown as PreviewModel },
  'preview:predict': { request: previewPredictRequest, response: null as unknown as PreviewResult },
  'preview:batch': { request: previewBatchRequest, response: null as unknown as PreviewBatchStarted },
  'preview:cancel': { request: previewRunIdRequest, response: null as unknown as { cancelled: boolean } },
  'preview:release': { request: previewReleaseRequest, response: null as unknown as { released: boolean } },
  'deploy:settings': { request: empty, response: null as unknown as DeploySettings },
  'deploy:configure': { request: deploySettingsRequest, response: null as unknown as DeploySettings },
  'deploy:create': { request: deployCreateRequest, response: null as unknown as DeploymentWithKey },
  'deploy:list': { request: deployListRequest, response: null as unknown as Deployment[] },
  'deploy:get': { request: deployIdRequest, response: null as unknown as Deployment },
  'deploy:deactivate': { request: deployIdRequest, response: null as unknown as Deployment },
  'deploy:reactivate': { request: deployIdRequest, response: null as unknown as Deployment },
  'deploy:regenerateKey': { request: deployIdRequest, response: null as unknown as DeploymentWithKey },
  'deploy:delete': { request: deployIdRequest, response: null as unknown as Deployment },
  'deploy:test': { request: deployTestRequest, response: null as unknown as DeployTestResult },
  /** Builds a package of a completed export into the data folder, with progress on packages:progress. */
  'packages:create': { request: packagesCreateRequest, response: null as unknown as PackageBuilt },
  /** An export's packages, newest first, each saying whether its file is still there. */
  'packages:list': { request: packagesListRequest, response: null as unknown as PackageListed[] },
  'packages:listAll': { request: packagesListAllRequest, response: null as unknown as PackageListed[] },
  /** Forgets a package and removes its file (if it is still the file Edgepack wrote). */
  'packages:delete': {
    request: packageIdRequest,
    response: null as unknown as { deleted: true; path: string },
  },
  /** The targets a package can be built for: what each holds and needs. */
  'packages:targets': { request: packagesTargetsRequest, response: null as unknown as PackageTargetInfo[] },
  /** Where the package's file is (the Electron host shows it in the file manager). */
  'packages:reveal': { request: packageIdRequest, response: null as unknown as { path: string } },
  /** Remote targets an export can run on (Kubernetes), by name. */
  'targets:list': { request: empty, response: null as unknown as RemoteTarget[] },
  /** Checks the kubeconfig and context now, then stores the target. */
  'targets:add': { request: targetsAddRequest, response: null as unknown as RemoteTarget },
  'targets:remove': {
    request: targetNameRequest,
    response: null as unknown as { removed: true; name: string },
  },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = (typeof channels)[C]['response'];
export const channelNames = Object.keys(channels) as Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** Validates a request; throws a ContractError naming the bad field so hosts can answer with a clear error. */
export function parseRequest<C extends Channel>(
  channel: C,
  payload: unknown,
): z.output<(typeof channels)[C]['request']> {
  const parsed = channels[channel].request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'request';
    const error: AppErrorShape = {
      code: 'INVALID_REQUEST',
      message: `Invalid ${channel} request: ${where}: ${issue?.message ?? 'invalid'}`,
      hint: hintFor(issue, where),
    };
    throw Object.assign(new Error(error.message), error);
  }
  return parsed.data as z.output<(typeof channels)[C]['request']>;
}

/**
 * What to do about a refused request. A value out of range (a size, an opset, a name's length) is something a person
 * typed: the hint gives the accepted range. Anything else is a request no screen or command should have sent.
 */
function hintFor(issue: z.core.$ZodIssue | undefined, where: string): string {
  const field = where.split('.').pop() ?? where;
  if (issue?.code === 'too_small' || issue?.code === 'too_big') {
    const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const other = issue.code === 'too_small' ? 'at least' : 'at most';
    const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
    const range = rangeOf(where);
    return range
      ? `Give ${field} a value from ${range.min} to ${range.max}${unit}, e.g. ${range.example}.`
      : `Give ${field} ${other} ${bound}${unit}.`;
  }
  return 'This is a bug in the caller; the request was not run.';
}

/** The full range of the settings people type, so a hint can say both ends (and give a value that works). */
function rangeOf(where: string): { min: number; max: number; example: string } | null {
  const examples: Record<string, string> = { imgsz: '640', opset: '17', batch: '1' };
  const key = where.replace(/^exportConfig\./, '');
  if (where.startsWith('exportConfig.') && (key === 'imgsz' || key === 'opset' || key === 'batch'))
    return { ...exportConfigRange(key), example: examples[key]! };
  if (where === 'name') return { min: 1, max: DEPLOYMENT_NAME_MAX, example: '"pets-v2"' };
  return null;
}

/** Events pushed from core to renderer. */
export type EventMap = {
  'exports:progress': { jobId: string; stage: string; fraction: number };
  'exports:log': { jobId: string; line: string };
  'exports:updated': ExportJob;
  'exports:validationProgress': { exportId: string; stage: string; fraction: number };
  'toolchain:progress': ToolchainProgress;
  'toolchain:checked': ToolchainStatus;
  'preview:item': PreviewItem;
  'preview:progress': PreviewProgress;
  'preview:finished': PreviewFinished;
  'packages:progress': PackageProgress;
};
export type EventName = keyof EventMap;
/** Every event once: a Record over EventName, so an event added to EventMap but not here fails to compile. */
const everyEvent: Record<EventName, true> = {
  'exports:progress': true,
  'exports:log': true,
  'exports:updated': true,
  'exports:validationProgress': true,
  'toolchain:progress': true,
  'toolchain:checked': true,
  'preview:item': true,
  'preview:progress': true,
  'preview:finished': true,
  'packages:progress': true,
};
export const eventNames = Object.keys(everyEvent) as EventName[];

/** What the renderer sees as `window.edgepack` (Electron) or the web harness host. */
export interface EdgepackApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** Turns a dropped/picked File into a path the core can read (Electron: its real path; web: an upload). */
  fileToPath(file: File): Promise<string>;
}
