import type { VisionTask } from './model-info';

/**
 * The tasks this runtime decodes: what the preview runs, a person can answer for a plain ONNX file, and an endpoint
 * serves. OBB models export, but have no decoder here yet.
 */
export const SERVABLE_TASKS = [
  'detect',
  'segment',
  'classify',
  'pose',
] as const satisfies readonly VisionTask[];
export type ServableTask = (typeof SERVABLE_TASKS)[number];

export function isServableTask(value: unknown): value is ServableTask {
  return (SERVABLE_TASKS as readonly unknown[]).includes(value);
}
