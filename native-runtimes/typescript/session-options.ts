import type { InferenceSession } from 'onnxruntime-node';

/**
 * Options of every preview session (the benchmark's raw session uses them too). ONNX Runtime's idle pool threads
 * keep spinning for work: measured on 2 shared cores, letting them sleep (allow_spinning 0, as the platform's server
 * does) made session.run of YOLO11n 640 ~35 -> ~50 ms when the machine was otherwise idle, though it helped under
 * heavy load; a desktop preview is usually the busy program, so they spin.
 */
export const PREVIEW_SESSION_OPTIONS = {
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
} satisfies InferenceSession.SessionOptions;
