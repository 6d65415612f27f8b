/**
 * The Electron-free core: everything the app does, used alike by the Electron main process, the CLI and the web
 * harness. `createCore` opens the data folder, reconciles jobs left running by a dead process, and answers the
 * contract's channels.
 */
import envPaths from 'env-paths';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  channelNames,
  isChannel,
  onnxMissingFacts,
  parseRequest,
  type Channel,
  type DoctorReport,
  type ResponseOf,
  type ToolchainReport,
  type VersionReport,
} from '../contract';
import {
  DeploymentsRepo,
  ExportJobsRepo,
  ModelsRepo,
  PackagesRepo,
  ValidationsRepo,
  AccuracyGateRepo,
  RemoteTargetsRepo,
  openDatabase,
} from './db';
import { CapabilitiesService } from './capabilities/service';
import { FileSecretStore } from './deploy/secret-store';
import { DeployService } from './deploy/service';
import { AppError, toAppError } from './errors';
import { EventHub } from './events';
import { copyArtifacts } from './exports/artifacts';
import { AccuracyGateService } from './exports/accuracy-gate';
import { ExportsService } from './exports/service';
import { ValidationService } from './exports/validation';
import { ModelsService } from './models/service';
import { PackagesService } from './packages/service';
import { DataPaths } from './paths';
import { saveAnnotated } from './preview/annotate';
import { expandInputs } from './preview/inputs';
import { PreviewService } from './preview/service';
import { TargetsService } from './remote/targets';
import { remoteRunner } from './remote/wiring';
import { RemovalService } from './removal/service';
import { removeStaleScratch } from './scratch';
import { Toolchain } from './toolchain';
import { ToolchainProbeCache } from './toolchain/probe-cache';
import { formatBytes } from './toolchain/protocol';
import type { CoreOptions, LocalCore, LocalOperations } from './types';
import { versionReport } from './version';

export type { Core, CoreOptions, LocalCore, LocalOperations } from './types';
export { AppError, toAppError } from './errors';
export { unreadablePath } from './file-errors';
export { formatBytes };
export { EDGEPACK_VERSION } from './version';

/** The data folder: EDGEPACK_HOME when set, else the OS app-data folder (e.g. ~/.local/share/Edgepack). */
export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['EDGEPACK_HOME'];
  return fromEnv ? path.resolve(fromEnv) : envPaths('Edgepack', { suffix: '' }).data;
}

/** Where the toolchain environments live: EDGEPACK_TOOLCHAINS, else `<home>/toolchains`. */
export function resolveToolchainsDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return env['EDGEPACK_TOOLCHAINS'] ?? path.join(home, 'toolchains');
}

/** `edgepack version`: Edgepack's and the toolchain's versions, without opening the data folder (nothing is made). */
export function versions(env: NodeJS.ProcessEnv = process.env): VersionReport {
  return versionReport({
    toolchainsDir: resolveToolchainsDir(resolveHome(env), env),
    resourcesDir: defaultResourcesDir(),
    externalVenv: env['EDGEPACK_VENV'] || undefined,
  });
}

/** The folder holding `trainers/`: the repository in development (found upwards from this file). */
export function defaultResourcesDir(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'trainers', 'requirements'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..', '..');
    dir = parent;
  }
}

/** The services a Core holds, for tests; hosts use the channels and `local` (see LocalCore). */
export interface CoreServices {
  paths: DataPaths;
  toolchain: Toolchain;
  models: ModelsService;
  exports: ExportsService;
  validation: ValidationService;
  accuracyGate: AccuracyGateService;
  deployments: DeploymentsRepo;
  preview: PreviewService;
  capabilities: CapabilitiesService;
  deploy: DeployService;
  packages: PackagesService;
  removal: RemovalService;
  probes: ToolchainProbeCache;
  targets: TargetsService;
}

export interface CoreWithServices extends LocalCore {
  services: CoreServices;
}

export async function createCore(options: CoreOptions): Promise<CoreWithServices> {
  const paths = new DataPaths(path.resolve(options.home));
  fs.mkdirSync(paths.home, { recursive: true });
  const db = openDatabase(paths.database, options.sqliteNativeBinding);
  const events = new EventHub();
  const resourcesDir = options.resourcesDir ?? defaultResourcesDir();
  const toolchain = new Toolchain({
    toolchainsDir: options.toolchainsDir ?? resolveToolchainsDir(paths.home),
    resourcesDir,
    python: options.python ?? process.env['EDGEPACK_PYTHON'] ?? 'python3',
    ultralyticsConfigDir: paths.ultralyticsConfig,
    externalVenv: process.env['EDGEPACK_VENV'] || undefined,
    onProgress: (progress) => events.emit('toolchain:progress', progress),
  });
  const modelsRepo = new ModelsRepo(db);
  const jobs = new ExportJobsRepo(db);
  // Packages are built from exports and go with them: the hooks reach the packages service made below.
  let packages: PackagesService | null = null;
  const validations = new ValidationsRepo(db);
  const accuracyGate = new AccuracyGateService({ repo: new AccuracyGateRepo(db), validations });
  const secrets = options.secretStore ?? new FileSecretStore(path.join(paths.home, 'secrets.json'));
  const targets = new TargetsService(new RemoteTargetsRepo(db));
  const exports = new ExportsService({
    jobs,
    models: modelsRepo,
    validations,
    paths,
    toolchain,
    events,
    beforeDelete: (job) => packages?.removeFilesOf(job.id, job.modelId, job.version),
    remote: (options.remoteRunner ?? remoteRunner)(targets, secrets),
  });
  packages = new PackagesService({
    repo: new PackagesRepo(db),
    exports,
    models: modelsRepo,
    paths,
    events,
    runtimesDir: path.join(resourcesDir, 'native-runtimes'),
    accuracyGate,
  });
  const deployments = new DeploymentsRepo(db);
  const models = new ModelsService({
    models: modelsRepo,
    jobs,
    paths,
    toolchain,
    beforeRemove: (modelId) => {
      for (const job of exports.list(modelId)) packages.removeFilesOf(job.id, job.modelId, job.version);
      fs.rmSync(paths.packagesOfModel(modelId), { recursive: true, force: true });
    },
  });
  const deploy = new DeployService({
    repo: deployments,
    models: modelsRepo,
    exports,
    secrets,
    accuracyGate,
    packages,
  });
  const services: CoreServices = {
    paths,
    toolchain,
    models,
    exports,
    accuracyGate,
    validation: new ValidationService({ exports, models: modelsRepo, validations, paths, toolchain, events }),
    deployments,
    preview: new PreviewService({ db, events }),
    capabilities: new CapabilitiesService(toolchain),
    deploy,
    packages,
    removal: new RemovalService({ paths, models, exports, deployments, deploy }),
    probes: new ToolchainProbeCache(path.join(paths.home, 'toolchain-probe.json'), toolchain, events),
    targets,
  };
  await services.exports.reconcile();
  // After reconciling: scratch folders of dead processes (a CLI killed during `models add`) and of ended jobs go.
  removeStaleScratch(paths, (id) => {
    const status = jobs.getRow(id)?.status;
    return status === 'pending' || status === 'running';
  });

  const handlers = handlersFor(services);
  let closed = false;
  return {
    services,
    local: localOperations(services),
    async handle(channel, request) {
      if (closed)
        throw new AppError('CORE_CLOSED', 'Edgepack is shutting down.', 'Try again after restarting.');
      if (!isChannel(channel)) {
        throw new AppError(
          'UNKNOWN_CHANNEL',
          `Unknown channel ${String(channel)}.`,
          `Known channels: ${channelNames.join(', ')}.`,
        );
      }
      try {
        return (await handlers[channel](parseRequest(channel, request) as never)) as ResponseOf<
          typeof channel
        >;
      } catch (error) {
        throw toAppError(error);
      }
    },
    on: (event, listener) => events.on(event, listener),
    async close() {
      if (closed) return;
      closed = true;
      await services.validation.close();
      await services.exports.close();
      await services.preview.close();
      await services.probes.settled();
      events.clear();
      db.close();
    },
  };
}

type Handlers = {
  [C in Channel]: (request: ReturnType<typeof parseRequest<C>>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

function handlersFor(s: CoreServices): Handlers {
  return {
    'models:add': (r) => addModel(s, r),
    'models:list': () => s.models.list(),
    'models:get': (r) => s.models.get(r.id),
    'models:removal': (r) => s.removal.planModel(r.id),
    'models:remove': (r) => s.removal.removeModel(r.id, r.endpoints),
    'exports:create': (r) => s.exports.create(r),
    'exports:list': (r) => s.exports.list(r.modelId),
    'exports:get': (r) => s.exports.get(r.id),
    'exports:log': (r) => s.exports.log(r.id),
    'exports:cancel': (r) => s.exports.cancel(r.id),
    'exports:setDefault': (r) => s.exports.setDefault(r.id),
    'exports:removal': (r) => s.removal.planExport(r.id),
    'exports:delete': (r) => s.removal.deleteExport(r.id, r.endpoints),
    'exports:reveal': (r) => s.exports.reveal(r.id),
    'exports:revealFile': (r) => s.exports.revealFile(r.id, r.format),
    'exports:wait': (r) => s.exports.waitFor(r.id),
    'exports:metadata': (r) => ({ path: s.exports.metadataPath(r.id) }),
    'exports:validate': (r) => s.validation.validate(r),
    'exports:validations': (r) => s.validation.list(r.id),
    'exports:cancelValidation': (r) => s.validation.cancel(r.id),
    'exports:accuracyGate': (r) => s.accuracyGate.gate(s.exports.get(r.id).id),
    'exports:overrideAccuracy': (r) => s.accuracyGate.override(s.exports.get(r.id).id, r.format, 'app'),
    'settings:accuracyThreshold': () => s.accuracyGate.threshold(),
    'settings:setAccuracyThreshold': (r) => s.accuracyGate.setThreshold(r.maxDropPoints),
    'toolchain:doctor': async (r) => {
      const report = await s.toolchain.doctor({ dev: r.dev });
      if (!r.dev) s.probes.remember(report);
      return withEnvironments(s, report, r.environments);
    },
    'toolchain:ensure': async (r) => {
      const report = await s.toolchain.ensure({ dev: r.dev });
      if (!r.dev) s.probes.remember(report);
      for (const name of r.environments ?? []) await s.toolchain.ensureEnvironment(name);
      s.capabilities.invalidate();
      return withEnvironments(s, report, r.environments);
    },
    'toolchain:status': () => s.probes.status(),
    'capabilities:get': (r) => s.capabilities.get(r),
    'preview:open': (r) => s.preview.open(r.path),
    'preview:describe': (r) => s.preview.describe(r),
    'preview:predict': (r) =>
      s.preview.predict(r.model, r.image, r.options, { keepOutputs: r.keepOutputs, next: r.next }),
    'preview:batch': (r) => s.preview.batch(r.model, r.inputs, r.options),
    'preview:cancel': (r) => s.preview.cancel(r.runId),
    'preview:release': (r) => s.preview.release(r.model),
    'deploy:settings': () => s.deploy.settings(),
    'deploy:configure': (r) => s.deploy.configure(r),
    'deploy:create': (r) => s.deploy.create(r),
    'deploy:list': (r) => s.deploy.list(r.exportId, r.refresh),
    'deploy:get': (r) => s.deploy.get(r.id),
    'deploy:deactivate': (r) => s.deploy.deactivate(r.id),
    'deploy:reactivate': (r) => s.deploy.reactivate(r.id),
    'deploy:regenerateKey': (r) => s.deploy.regenerateKey(r.id),
    'deploy:delete': (r) => s.deploy.delete(r.id),
    'deploy:test': (r) => s.deploy.test(r),
    'deploy:downloads': (r) => s.deploy.downloads(r.id),
    'deploy:pushVersion': (r) => s.deploy.pushVersion(r),
    'packages:create': (r) => s.packages.build(r.exportId, r.target, undefined, r.overrideAccuracy),
    'packages:list': (r) => s.packages.list(r.exportId),
    'packages:reveal': (r) => s.packages.reveal(r.id),
    'packages:listAll': () => s.packages.listAll(),
    'packages:delete': (r) => s.packages.delete(r.id),
    'packages:targets': () => s.packages.targets(),
    'targets:list': () => s.targets.list(),
    'targets:add': (r) => s.targets.add(r),
    'targets:remove': (r) => s.targets.remove(r.name),
  };
}

/**
 * Adds a model; a new ONNX file that says its task, class names and input size is kept as it is as export v1 at
 * once, so it can be previewed, deployed and packaged without an export step.
 */
async function addModel(s: CoreServices, request: { path: string; trustUnsafe?: boolean | undefined }) {
  const added = await s.models.add(request);
  if (!added.alreadyAdded && added.framework === 'onnx' && onnxMissingFacts(added).length === 0)
    await s.exports.create({
      modelId: added.id,
      formats: ['onnx'],
      exportConfig: {},
      optimizationConfig: {},
    });
  return added;
}

/** The report, with the state of each first-use environment asked for (and without the key when none was). */
function withEnvironments(
  s: CoreServices,
  report: DoctorReport,
  names: string[] | undefined,
): ToolchainReport {
  if (!names?.length) return report;
  const environments = names.map((framework) => ({
    framework,
    path: s.toolchain.locationOf(framework).path,
    ready: s.toolchain.isReady(framework),
  }));
  return { ...report, environments };
}

function localOperations(s: CoreServices): LocalOperations {
  return {
    copyExport(id, dir) {
      const job = s.exports.get(id);
      const metadataPath = s.exports.metadataPath(id);
      const files = job.results.flatMap((r) => (r.path ? [r.path] : []));
      return copyArtifacts(metadataPath ? [...files, metadataPath] : files, path.resolve(dir));
    },
    expandImages: (inputs) => expandInputs(inputs),
    saveAnnotated: (result, dir, taken) => saveAnnotated(result, path.resolve(dir), taken),
    buildPackage: (exportId, target, dir, override) =>
      s.packages.build(exportId, target, path.resolve(dir), override),
  };
}
