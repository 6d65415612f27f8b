import type {
  AppErrorShape,
  DoctorReport,
  ExportJob,
  ExportsCreateRequest,
  ModelRecord,
  ToolchainProgress,
} from '../../../electron/contract';
import type { Host } from '../host';

export type Page = 'models' | 'exports';

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
  removeModel(id: string): Promise<void>;
}

export interface ExportsSlice {
  /** Every job the renderer knows, by id; lists are derived per model. */
  jobs: Record<string, ExportJob>;
  logs: Record<string, string[]>;
  exportsLoadedFor: string | null;
  detailJobId: string | null;
  wizardOpen: boolean;
  submitting: boolean;
  loadExports(modelId: string): Promise<void>;
  createExport(request: ExportsCreateRequest): Promise<ExportJob | null>;
  cancelExport(id: string): Promise<void>;
  setDefaultExport(id: string): Promise<void>;
  deleteExport(id: string): Promise<void>;
  revealExport(id: string): Promise<void>;
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
}

export interface UiSlice {
  page: Page;
  notice: Notice | null;
  showPage(page: Page): void;
  notify(notice: Notice): void;
  dismissNotice(): void;
}

export type AppState = ModelsSlice & ExportsSlice & ToolchainSlice & UiSlice;

/** What every slice creator receives: zustand's set/get plus the host it talks to. */
export interface SliceContext {
  set: (partial: Partial<AppState> | ((state: AppState) => Partial<AppState>)) => void;
  get: () => AppState;
  host: Host;
}
