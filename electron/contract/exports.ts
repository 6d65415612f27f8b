import { z } from 'zod';
import { appErrorSchema } from './errors';
import { exportFormatSchema, formatOptionProblems } from './formats';
import { exportOptionsShape, optimizationOptionsShape } from './generated/formats';

export const jobStatusSchema = z.enum(['pending', 'running', 'completed', 'partial', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/**
 * A job's export options: every option some format takes, with the limits the trainers' registry gives it
 * (generated). imgsz is any whole number in range; the trainer rounds it up to the model's stride, with a warning.
 */
export const exportConfigSchema = z.object(exportOptionsShape).strict();
export type ExportConfig = z.infer<typeof exportConfigSchema>;

/** The accepted range of a numeric export setting, read from the schema above (so the CLI and UI say the same). */
export function exportConfigRange(key: 'imgsz' | 'opset' | 'batch' | 'workspace'): {
  min: number;
  max: number;
} {
  const number = exportConfigSchema.shape[key].unwrap();
  return { min: number.minValue ?? 1, max: number.maxValue ?? Number.MAX_SAFE_INTEGER };
}

export const optimizationConfigSchema = z.object(optimizationOptionsShape).strict();
export type OptimizationConfig = z.infer<typeof optimizationConfigSchema>;

export const parityMetricsSchema = z
  .object({
    max_abs: z.number().optional(),
    mean_abs: z.number().optional(),
    box_match: z.number().nullable().optional(),
    top1_agreement: z.number().nullable().optional(),
    top5_agreement: z.number().nullable().optional(),
    images: z.number().int().optional(),
    passed: z.boolean().optional(),
  })
  .passthrough();
export type ParityMetrics = z.infer<typeof parityMetricsSchema>;

/** What an INT8 export was calibrated on; `warning` when too few images (e.g. the sample photos, used when no
 * calibration folder was given). */
export const calibrationRecordSchema = z.object({
  images: z.number().int(),
  source: z.string(),
  samplePhotos: z.boolean(),
  warning: z.string().nullable(),
  method: z.string().nullable(),
});
export type CalibrationRecord = z.infer<typeof calibrationRecordSchema>;

export const formatResultSchema = z.object({
  format: z.string(),
  /** passed | failed_parity | failed | deferred (built on the target) | not_runnable (checked structurally only) */
  status: z.enum(['passed', 'failed_parity', 'failed', 'deferred', 'not_runnable']),
  path: z.string().nullable(),
  bytes: z.number().int().nullable(),
  parity: parityMetricsSchema.nullable(),
  latencyMs: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: appErrorSchema.nullable(),
  note: z.string().nullable(),
  /** INT8 only; absent on results recorded before calibration was reported. */
  calibration: calibrationRecordSchema.nullable().optional(),
});
export type FormatResult = z.infer<typeof formatResultSchema>;

export const exportJobSchema = z.object({
  id: z.string(),
  modelId: z.string(),
  version: z.number().int().positive(),
  versionTag: z.string().nullable(),
  isDefault: z.boolean(),
  formats: z.array(z.string()),
  status: jobStatusSchema,
  exportConfig: exportConfigSchema,
  optimizationConfig: optimizationConfigSchema,
  checkpointPath: z.string(),
  checkpointSha256: z.string(),
  outputDir: z.string().nullable(),
  results: z.array(formatResultSchema),
  modelSizeBytes: z.number().int().nullable(),
  progress: z.object({ stage: z.string(), fraction: z.number() }),
  error: appErrorSchema.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** The remote target (`edgepack targets`) the export ran on; null or absent: this computer. */
  runOn: z.string().nullable().optional(),
});
export type ExportJob = z.infer<typeof exportJobSchema>;

export const exportsCreateRequest = z
  .object({
    modelId: z.string().min(1),
    formats: z.array(exportFormatSchema).min(1),
    exportConfig: exportConfigSchema.default({}),
    optimizationConfig: optimizationConfigSchema.default({}),
    versionTag: z.string().max(64).optional(),
    /** The person trusts this checkpoint although it needs more than the restricted loader allows (runs sandboxed). */
    trustUnsafe: z.boolean().optional(),
    /** Measure accuracy on this labelled dataset in the same job (a data.yaml or a dataset folder). */
    validationData: z.string().min(1).optional(),
    /** The dataset's class names differ from the model's and the person confirmed they agree by position. */
    acceptNames: z.boolean().optional(),
    /** Run on this remote target (a Kubernetes cluster, see `edgepack targets`) instead of this computer. */
    on: z.string().min(1).max(63).optional(),
  })
  .superRefine((request, ctx) => {
    // An option several formats take is checked above against the widest of their limits; here, each chosen
    // format's own (the trainer refuses a value outside them for that format).
    for (const { path, message } of formatOptionProblems(
      request.formats,
      request.exportConfig,
      request.optimizationConfig,
    ))
      ctx.addIssue({ code: 'custom', path, message });
  });
export type ExportsCreateRequest = z.input<typeof exportsCreateRequest>;

export const exportsListRequest = z.object({ modelId: z.string().optional() });
export const exportIdRequest = z.object({ id: z.string().min(1) });
/** One format's file (or folder, e.g. OpenVINO's) of an export. */
export const exportFileRequest = z.object({ id: z.string().min(1), format: z.string().min(1) });
export interface ExportFile {
  path: string;
  /** A folder of files (OpenVINO, SavedModel, …): the web harness downloads it as a zip. */
  isDirectory: boolean;
}
export const exportLogResponse = z.array(z.string());
