import type {
  AppErrorShape,
  CapabilityMatrix,
  DoctorReport,
  EndpointChoice,
  ExportJob,
  ExportsCreateRequest,
  ModelRecord,
  PreviewFinished,
  PreviewItem,
  PreviewModel,
  PreviewProgress,
  PreviewResult,
  RemovalOutcome,
  RemovalPlan,
  ServableTask,
  ToolchainProgress,
  ToolchainStatus,
} from '../../../electron/contract';
import type { Host } from '../host';
import type { AccuracyGateSlice } from './accuracy-gate';
import type { DeploySlice } from './deploy';
import type { PackagesSlice } from './packages';
import type { TargetsSlice } from './targets';
import type { ValidationSlice } from './validation';

export type Page = 'models' | 'exports' | 'playground' | 'settings';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  hint?: string;
}

/** A checkpoint being added: uploaded (web harness only), then inspected by the trainer. */
export interface AddingCheckpoint {
  fileName: string;
  stage: 'uploading' | 'inspecting';
}

export interface AddFailure {
  fileName: string;
  /** Set when the file reached the core, so the person can retry it (e.g. after trusting it). */
  path: string | null;
  error: AppErrorShape;
}

export interface ModelsSlice {
  models: ModelRecord[];
  modelsLoaded: boolean;
  selectedModelId: string | null;
  adding: AddingCheckpoint | null;
  addFailure: AddFailure | null;
  loadModels(): Promise<void>;
  addCheckpointFile(file: File): Promise<void>;
  addCheckpointPath(path: string, fileName: string, trustUnsafe?: boolean): Promise<void>;
  /** Native dialog where the host has one; resolves false when the caller must open its file input instead. */
  pickCheckpoint(): Promise<boolean>;
  trustAndRetry(): Promise<void>;
  dismissAddFailure(): void;
  selectModel(id: string): void;
  removeModel(id: string, endpoints?: EndpointChoice): Promise<RemovalOutcome>;
}

export interface ExportsSlice {
  /** Every job the renderer knows, by id; lists are derived per model. */
  jobs: Record<string, ExportJob>;
  logs: Record<string, string[]>;
  exportsLoadedFor: string | null;
  detailJobId: string | null;
  wizardOpen: boolean;
  /** Why "Start export" was refused, shown in the wizard. */
  wizardError: AppErrorShape | null;
  submitting: boolean;
  loadExports(modelId: string): Promise<void>;
  createExport(request: ExportsCreateRequest): Promise<ExportJob | null>;
  cancelExport(id: string): Promise<void>;
  setDefaultExport(id: string): Promise<void>;
  deleteExport(id: string, endpoints?: EndpointChoice): Promise<RemovalOutcome>;
  revealExport(id: string): Promise<void>;
  /** The host shows files in the file manager (desktop); otherwise "show" is a download (web harness). */
  canShowInFolder: boolean;
  /** One format's file: shown in the file manager (desktop) or downloaded (web harness). */
  showExportFile(id: string, format: string): Promise<void>;
  /** The export that ended while the app watched it: its summary stays where its progress was until dismissed. */
  endedJobId: string | null;
  dismissEnded(): void;
  openDetail(id: string): Promise<void>;
  closeDetail(): void;
  openWizard(): void;
  closeWizard(): void;
  applyJob(job: ExportJob): void;
  applyProgress(jobId: string, stage: string, fraction: number): void;
  appendLog(jobId: string, line: string): void;
}

export interface ToolchainSlice {
  doctor: DoctorReport | null;
  checkingToolchain: boolean;
  ensuringToolchain: boolean;
  toolchainProgress: ToolchainProgress | null;
  toolchainLines: string[];
  toolchainError: AppErrorShape | null;
  checkToolchain(): Promise<void>;
  ensureToolchain(): Promise<void>;
  applyToolchainProgress(progress: ToolchainProgress): void;
  applyToolchainStatus(status: ToolchainStatus): void;
}

export interface CapabilitiesSlice {
  capabilities: CapabilityMatrix | null;
  loadingCapabilities: boolean;
  capabilitiesError: AppErrorShape | null;
  /** Asks the core once (a matrix without a toolchain is asked again); `refresh` probes the machine again. */
  loadCapabilities(refresh?: boolean): Promise<void>;
}

export interface CalibrationSlice {
  /** The INT8 calibration folder the export will use; empty: the trainer's sample photos, with a warning. */
  calibDir: string;
  /** How many images were uploaded into calibDir (web harness); null when typed or picked. */
  calibImages: number | null;
  calibBusy: boolean;
  calibError: AppErrorShape | null;
  canPickFolder: boolean;
  canUploadFolder: boolean;
  setCalibDir(path: string): void;
  resetCalibration(): void;
  pickCalibrationFolder(): Promise<void>;
  uploadCalibrationImages(files: File[]): Promise<void>;
}

export interface UiSlice {
  page: Page;
  notice: Notice | null;
  showPage(page: Page): void;
  notify(notice: Notice): void;
  dismissNotice(): void;
}

export type SlotId = 'a' | 'b';

/** One side of the playground: a model and what it predicted. */
export interface PreviewSlot {
  path: string | null;
  /** How the model is named in the app, e.g. "detect · v2 · onnx fp16". */
  label: string | null;
  model: PreviewModel | null;
  opening: boolean;
  error: AppErrorShape | null;
  /** Full results, by image path (the selected image and a few recent ones). */
  results: Record<string, PreviewResult>;
  /** Batch summaries and failures, by image path. */
  summaries: Record<string, NonNullable<PreviewItem['summary']>>;
  failures: Record<string, AppErrorShape>;
  runId: string | null;
  run: (PreviewProgress & { status: PreviewFinished['status'] | 'running' }) | null;
}

export interface PreviewImage {
  id: string;
  name: string;
  /** Where the core reads it (Electron: its real path; web harness: the upload). */
  path: string | null;
  error: AppErrorShape | null;
}

export interface PreviewThresholds {
  conf: number;
  iou: number;
  /** Class ids to keep; null keeps all. */
  classes: number[] | null;
}

export interface PreviewAnswers {
  task?: ServableTask;
  names?: string[];
  imgsz?: number[];
}

export interface OnnxChoice {
  path: string;
  label: string;
}

export interface PreviewSlice {
  slots: Record<SlotId, PreviewSlot>;
  compare: boolean;
  images: PreviewImage[];
  selectedImageId: string | null;
  thresholds: PreviewThresholds;
  /** Files being handed to the core (uploads in the web harness). */
  preparing: { done: number; total: number } | null;
  onnxChoices: OnnxChoice[];
  loadOnnxChoices(): Promise<void>;
  openSlotModel(slot: SlotId, path: string, label: string): Promise<void>;
  openSlotModelFile(slot: SlotId, file: File): Promise<void>;
  answerSlotFacts(slot: SlotId, answers: PreviewAnswers): Promise<void>;
  setCompare(on: boolean): void;
  addImages(files: File[]): Promise<void>;
  selectImage(id: string): void;
  clearImages(): void;
  setThresholds(patch: Partial<PreviewThresholds>): void;
  cancelRuns(): Promise<void>;
  applyPreviewItem(item: PreviewItem): void;
  applyPreviewProgress(progress: PreviewProgress): void;
  applyPreviewFinished(finished: PreviewFinished): void;
}

/** A removal being asked about: what it takes (the plan), and what went wrong when it was tried. */
export interface PendingRemoval {
  kind: 'model' | 'export';
  id: string;
  plan: RemovalPlan | null;
  error: AppErrorShape | null;
  busy: boolean;
}

export interface RemovalSlice {
  removal: PendingRemoval | null;
  /** Asks the core what removing it takes, and opens the dialog that says so. */
  askRemoval(kind: PendingRemoval['kind'], id: string): Promise<void>;
  confirmRemoval(endpoints: EndpointChoice): Promise<void>;
  cancelRemoval(): void;
}

export type AppState = ModelsSlice &
  RemovalSlice &
  ExportsSlice &
  ToolchainSlice &
  CapabilitiesSlice &
  CalibrationSlice &
  UiSlice &
  PreviewSlice &
  DeploySlice &
  PackagesSlice &
  ValidationSlice &
  AccuracyGateSlice &
  TargetsSlice;

/** What every slice creator receives: zustand's set/get plus the host it talks to. */
export interface SliceContext {
  set: (partial: Partial<AppState> | ((state: AppState) => Partial<AppState>)) => void;
  get: () => AppState;
  host: Host;
}
