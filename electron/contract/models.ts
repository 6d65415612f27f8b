import { z } from 'zod';
import { taskSchema } from './tasks';

export const frameworkSchema = z.enum(['ultralytics', 'onnx']);

export const modelRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Where the person dropped it from. */
  sourcePath: z.string(),
  /** The copy kept in the data folder, so moving the original loses nothing. */
  storedPath: z.string(),
  framework: frameworkSchema,
  task: taskSchema.nullable(),
  classNames: z.array(z.string()),
  /** [height, width] the model was trained at. */
  imgsz: z.array(z.number().int().positive()),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** Framework-specific facts shown on the model card (version, parameters, architecture…). */
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export const modelsAddRequest = z.object({
  path: z.string().min(1),
  /** Set only after the person confirmed they trust a checkpoint whose pickle imports unusual globals. */
  trustUnsafe: z.boolean().optional(),
});
export const modelIdRequest = z.object({ id: z.string().min(1) });

/** `models:add`: the stored model, and whether the same file (same SHA-256) was already there. */
export const modelAddedSchema = modelRecordSchema.extend({ alreadyAdded: z.boolean() });
export type ModelAdded = z.infer<typeof modelAddedSchema>;

/** The facts an ONNX model must say itself (Ultralytics writes them) to be previewed and deployed as it is. */
const ONNX_FACTS = [
  ['task', (m: OnnxFacts) => m.task !== null],
  ['class names', (m: OnnxFacts) => m.classNames.length > 0],
  ['input size', (m: OnnxFacts) => m.imgsz.length > 0],
] as const;
type OnnxFacts = Pick<ModelRecord, 'task' | 'classNames' | 'imgsz'>;

/** What an ONNX model does not say about itself ([] when it can be used as it is). */
export function onnxMissingFacts(model: OnnxFacts): string[] {
  return ONNX_FACTS.filter(([, has]) => !has(model)).map(([name]) => name);
}

/**
 * The formats a model can be exported to from its framework: an Ultralytics checkpoint, any; an ONNX file only
 * itself (kept as it is, for the preview, the endpoint and packages) — every conversion starts from the PyTorch model.
 */
export const ONNX_MODEL_FORMATS: readonly string[] = ['onnx'];
