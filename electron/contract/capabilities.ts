import { z } from 'zod';

export const capabilitiesRequest = z
  .object({
    framework: z.enum(['ultralytics']).default('ultralytics'),
    /** Probe again instead of answering from the cache (e.g. after `doctor --fix`). */
    refresh: z.boolean().optional(),
  })
  .strict();
export type CapabilitiesRequest = z.input<typeof capabilitiesRequest>;

/** The seed's quality levels: excellent / good / fair. */
export type QualityLevel = 'excellent' | 'good' | 'fair';

export interface TaskCapability {
  supported: boolean;
  quality: QualityLevel | null;
}

export interface FormatCapability {
  id: string;
  label: string;
  runtime: string;
  /** The toolchain environment its converter runs in (TFLite has its own, installed on first use). */
  environment: string;
  converter: { installed: boolean; packages: Record<string, string | null> };
  /** Can the export be made on this machine (TensorRT without a GPU: no, it is deferred to the target). */
  buildableHere: boolean;
  /** Exported as a deferred build (TensorRT without an NVIDIA GPU: ONNX + build script + Triton config). */
  deferred: boolean;
  /** Can the export be run here for the parity check (CoreML: no, checked structurally only). */
  runnableHere: boolean;
  /** Why it is not installed / buildable / runnable here, in a sentence; null when it all is. */
  reason: string | null;
  precisions: Array<'fp32' | 'fp16' | 'int8'>;
  note: string;
  tasks: Record<string, TaskCapability>;
  exportOptions: Record<string, unknown>;
  optimizationOptions: Record<string, unknown>;
}

export interface CapabilityMatrix {
  framework: string;
  formats: FormatCapability[];
  /** False when the toolchain environment is missing: nothing was probed, every converter shows as not installed. */
  toolchainReady: boolean;
  probedAt: string;
}
