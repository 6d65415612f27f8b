import type { ModelInfo, OnnxModelSummary, OutputTensor } from '@edgepack/runtime';

export interface LoadRequest {
  deploymentId: string;
  version: number;
  onnx: Uint8Array;
  summary: OnnxModelSummary;
  /** The model's facts (task, names, input size): Triton's config carries them for Ultralytics' client. */
  info: ModelInfo;
  /** Model instances (Triton instance_group count). */
  replicas: number;
}

export interface InputTensor {
  name: string;
  data: Float32Array;
  dims: readonly number[];
}

/** Runs deployed models. The embedded ONNX Runtime and Triton (HTTP v2) implement the same contract. */
export interface InferenceBackend {
  readonly kind: 'embedded' | 'triton';
  /** Loads (or replaces with) this version. On failure the previously loaded version keeps serving. */
  load(request: LoadRequest): Promise<void>;
  unload(deploymentId: string): Promise<void>;
  isLoaded(deploymentId: string, version: number): Promise<boolean>;
  infer(deploymentId: string, version: number, input: InputTensor): Promise<OutputTensor[]>;
  health(): Promise<{ ready: boolean; detail: string }>;
  describe(): string;
  close(): Promise<void>;
}

/** The backend refused the model (bad file, unsupported operator…); message is the backend's own text. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** The backend cannot be reached or is not ready; the message names the cause. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/** The backend answered but could not run this request; message is the backend's own text. */
export class InferenceFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InferenceFailedError';
  }
}
