import { z } from 'zod';
import { isTask, type ModelRecord } from '../../contract';
import { camelName } from '../toolchain/names';

/** What inspecting a model file yields: the model card's facts. */
export type InspectedModel = Pick<ModelRecord, 'framework' | 'task' | 'classNames' | 'imgsz' | 'details'>;

/** The trainer's `--inspect` result: {"event":"result","model":{framework,task,names,imgsz,details}}. */
export const inspectResultSchema = z.object({
  model: z.looseObject({
    framework: z.string().optional(),
    task: z.string().nullable().optional(),
    names: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(),
    imgsz: z
      .union([z.number(), z.array(z.number())])
      .nullable()
      .optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export function fromInspectResult(result: unknown): InspectedModel | null {
  const parsed = inspectResultSchema.safeParse(result);
  if (!parsed.success) return null;
  const m = parsed.data.model;
  const names = Array.isArray(m.names)
    ? m.names
    : Object.entries(m.names ?? {})
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, name]) => name);
  const imgsz = typeof m.imgsz === 'number' ? [m.imgsz, m.imgsz] : (m.imgsz ?? []).slice(0, 2);
  return {
    framework: 'ultralytics',
    task: isTask(m.task) ? m.task : null,
    classNames: names,
    imgsz: imgsz.map((n) => Math.round(n)).filter((n) => n > 0),
    details: camelCaseKeys(m.details ?? {}),
  };
}

/**
 * A model card's facts with camelCase names, as the rest of the contract has them: the trainer (Python) reports
 * `ultralytics_version`, `train_data`, `kpt_shape`… Only the top level: values (the ONNX file's own metadata
 * properties, the pickle scan) are kept as they are. Cards stored before this are renamed as they are read.
 */
export function camelCaseKeys(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [camelName(key), value]));
}
