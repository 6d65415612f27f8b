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
