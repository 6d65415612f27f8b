import { z } from 'zod';
import type {
  ClassPrediction,
  Prediction,
  PreviewInputMapping,
} from '../../native-runtimes/typescript/predictions';
import { appErrorSchema } from './errors';
import { servableTaskSchema, taskSchema } from './tasks';

// The prediction vocabulary is the reference runtime's: the preview, `predict --json` and the endpoint answer with it.
export type {
  BBox,
  ClassPrediction,
  Detection,
  Keypoint,
  Mask,
  MaskBitmap,
  Prediction,
  PreviewInputMapping,
} from '../../native-runtimes/typescript/predictions';
export { isDetection, rasterizeMask } from '../../native-runtimes/typescript/predictions';

/** Thresholds and filters; anything left out is the model's default (metadata.json, else Ultralytics'). */
export const previewOptionsSchema = z
  .object({
    conf: z.number().min(0).max(1).optional(),
    iou: z.number().min(0).max(1).optional(),
    maxDet: z.number().int().min(1).max(10_000).optional(),
    agnostic: z.boolean().optional(),
    /** Keep only these class ids. */
    classes: z.array(z.number().int().min(0)).optional(),
    /** Classification: how many classes to list. */
    topK: z.number().int().min(1).max(100).optional(),
  })
  .strict();
export type PreviewOptions = z.infer<typeof previewOptionsSchema>;

/** The facts the preview cannot run without; a plain ONNX file may lack any of them. */
export const previewFactSchema = z.enum(['task', 'names', 'imgsz']);
export type PreviewFact = z.infer<typeof previewFactSchema>;

export const previewModelSchema = z.object({
  path: z.string(),
  name: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  task: taskSchema.nullable(),
  names: z.array(z.string()),
  /** [height, width] of the model input. */
  imgsz: z.array(z.number().int()).nullable(),
  /** Where the facts came from. */
  source: z.enum(['metadata.json', 'embedded-metadata', 'ultralytics-metadata', 'answers']).nullable(),
  /** What the person must still say before predictions can run (empty when ready). */
  needs: z.array(previewFactSchema),
  precision: z.string().nullable(),
  input: z.object({ name: z.string(), shape: z.array(z.union([z.number(), z.string()])), type: z.string() }),
  outputs: z.array(z.object({ name: z.string(), shape: z.array(z.union([z.number(), z.string()])) })),
  defaults: z.object({ conf: z.number(), iou: z.number(), maxDet: z.number(), agnostic: z.boolean() }),
});
export type PreviewModel = z.infer<typeof previewModelSchema>;

/** Milliseconds; the named stages and `other` add up to `total`. */
export interface PreviewTimings {
  /** Checking the model file is the one already read (reading its facts when it changed). */
  open: number;
  /** Creating the onnxruntime session for the model (its first image only). */
  load: number;
  decode: number;
  preprocess: number;
  /** The model's run on the worker, including handing the tensors over and back. */
  inference: number;
  postprocess: number;
  /** What no stage above covers: waiting for the image prepared ahead, assembling the answer. */
  other: number;
  total: number;
}

export interface PreviewNotice {
  code: string;
  message: string;
}

export interface PreviewResult {
  model: string;
  image: { path: string; name: string; width: number; height: number; format: string };
  task: string;
  /**
   * Detect, segment and pose: the objects found (with masks or keypoints); classify: the top classes, most
   * probable first. Exactly what `POST /v1/infer` answers for the same photo.
   */
  predictions: Prediction[];
  /** Where the photo sits in the model input (null for classify). */
  mapping: PreviewInputMapping | null;
  /** Milliseconds per stage of this call; decode to inference are 0 when cached outputs were reused. */
  timings: PreviewTimings;
  /** True when only post-processing ran: this model saw this image before (new thresholds, or back to it). */
  reused: boolean;
  /** When reused: the stages as measured the first time, with this call's post-processing. */
  firstRun: PreviewTimings | null;
  options: { conf: number; iou: number; maxDet: number; agnostic: boolean };
  notices: PreviewNotice[];
}

export const previewOpenRequest = z.object({ path: z.string().min(1) });
/** Answers for a model that does not say these facts itself; each is optional, the ones it needs are required. */
export const previewDescribeRequest = z.object({
  path: z.string().min(1),
  task: servableTaskSchema.optional(),
  names: z.array(z.string()).min(1).optional(),
  /** [size] or [height, width]. */
  imgsz: z.array(z.number().int().min(16).max(4096)).min(1).max(2).optional(),
});
export const previewPredictRequest = z.object({
  model: z.string().min(1),
  image: z.string().min(1),
  options: previewOptionsSchema.default({}),
  /** False when every image is seen once (the CLI over a folder): no raw outputs kept for new thresholds. */
  keepOutputs: z.boolean().optional(),
  /** The image that will be asked for next, if known: decoded and prepared while this one is inferred. */
  next: z.string().min(1).optional(),
});
export const previewBatchRequest = z.object({
  model: z.string().min(1),
  /** Image files and folders (their images, recursively). */
  inputs: z.array(z.string().min(1)).min(1),
  options: previewOptionsSchema.default({}),
});
export const previewRunIdRequest = z.object({ runId: z.string().min(1) });
export const previewReleaseRequest = z.object({ model: z.string().min(1) });

export interface PreviewBatchStarted {
  runId: string;
  total: number;
  /** Files in the folders that are not images (by extension) and were left out. */
  skipped: number;
}

/** One image of a batch: a short summary, or why it failed. */
export interface PreviewItem {
  runId: string;
  index: number;
  path: string;
  name: string;
  summary: { count: number; top: ClassPrediction[]; totalMs: number; reused: boolean } | null;
  error: z.infer<typeof appErrorSchema> | null;
}

export interface PreviewProgress {
  runId: string;
  done: number;
  failed: number;
  total: number;
}

export interface PreviewFinished extends PreviewProgress {
  status: 'completed' | 'cancelled' | 'failed';
  elapsedMs: number;
  error: z.infer<typeof appErrorSchema> | null;
}

/** Colours per class id, shared by the app's canvas and the CLI's saved images (Ultralytics' palette). */
export const PREVIEW_PALETTE = [
  '#042aff',
  '#0bdbeb',
  '#f3f3f3',
  '#00dfb7',
  '#111f68',
  '#ff6fdd',
  '#ff444f',
  '#cced00',
  '#00f344',
  '#bd00ff',
  '#00b4ff',
  '#dd00ba',
  '#00ffff',
  '#26c000',
  '#01ffb3',
  '#7d24ff',
  '#7b0068',
  '#ff1b6c',
  '#fc6d2f',
  '#a2ff0b',
] as const;

export function paletteColor(classId: number): string {
  return PREVIEW_PALETTE[classId % PREVIEW_PALETTE.length]!;
}

/** Keypoint skeleton (COCO's 17 points) used when a pose model has exactly 17 keypoints. */
export const COCO_SKELETON: readonly [number, number][] = [
  [15, 13],
  [13, 11],
  [16, 14],
  [14, 12],
  [11, 12],
  [5, 11],
  [6, 12],
  [5, 6],
  [5, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [1, 2],
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
];
