export { openDatabase, type Db } from './open';
export { migrate } from './migrate';
export { migrations, type Migration } from './migrations';
export { ModelsRepo, type NewModel } from './models-repo';
export {
  ExportJobsRepo,
  toExportJob,
  notFound as exportNotFound,
  ACTIVE_STATUSES,
  TERMINAL_STATUSES,
  USABLE_STATUSES,
  type ExportJobRow,
  type ExportJobPatch,
  type NewExportJob,
} from './export-jobs-repo';
export {
  DeploymentsRepo,
  type DeploymentTarget,
  type DeploymentEvent,
  type NewDeploymentTarget,
} from './deployments-repo';
export { PackagesRepo } from './packages-repo';
export { ValidationsRepo, accuracyRows } from './validations-repo';
export { AccuracyGateRepo, type AccuracyOverride } from './accuracy-gate-repo';
export { RemoteTargetsRepo } from './remote-targets-repo';
