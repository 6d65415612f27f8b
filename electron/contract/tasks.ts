import { z } from 'zod';
import { TASKS } from './generated/formats';

export { TASKS };

/** The tasks Edgepack exports: the trainers' registry's list (generated, with the formats). */
export const taskSchema = z.enum(TASKS);
export type Task = z.infer<typeof taskSchema>;

/**
 * The tasks the TypeScript runtime decodes: what the preview runs, a person can answer for a plain ONNX file, and an
 * endpoint serves. OBB models export, but have no decoder here yet.
 */
export const SERVABLE_TASKS = ['detect', 'segment', 'classify', 'pose'] as const satisfies readonly Task[];
export const servableTaskSchema = z.enum(SERVABLE_TASKS);
export type ServableTask = z.infer<typeof servableTaskSchema>;

export function isTask(value: unknown): value is Task {
  return (TASKS as readonly unknown[]).includes(value);
}

export function isServableTask(value: unknown): value is ServableTask {
  return (SERVABLE_TASKS as readonly unknown[]).includes(value);
}
