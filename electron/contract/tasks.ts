import { z } from 'zod';
import { isServableTask, SERVABLE_TASKS, type ServableTask } from '../../native-runtimes/typescript/tasks';
import { TASKS } from './generated/formats';

export { TASKS };

/** The tasks Edgepack exports: the trainers' registry's list (generated, with the formats). */
export const taskSchema = z.enum(TASKS);
export type Task = z.infer<typeof taskSchema>;

// The tasks the TypeScript runtime decodes (what the preview runs, a person can answer for a plain ONNX file, and an
// endpoint serves) are the runtime's; each is one the trainers export.
export { isServableTask, SERVABLE_TASKS, type ServableTask };
export const servableTaskSchema = z.enum(SERVABLE_TASKS satisfies readonly Task[]);

export function isTask(value: unknown): value is Task {
  return (TASKS as readonly unknown[]).includes(value);
}
