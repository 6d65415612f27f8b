/**
 * onnxruntime-node, loaded with its usage telemetry off. ONNX Runtime 1.29 and later send telemetry from Linux and
 * macOS by default (session, model and error events uploaded to Microsoft, a device id kept in
 * ~/.cache/Microsoft/DeveloperTools/.onnxruntime, an event database and /tmp/mat-debug-<pid>.log), decided once per
 * process when its environment is created; ORT_DISABLE_TELEMETRY=1 set before that is its complete opt-out. A
 * person's own ORT_DISABLE_TELEMETRY is left as it is.
 */
export function keepOnnxRuntimeTelemetryOff(): void {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
}

/**
 * `import('onnxruntime-node')` after keepOnnxRuntimeTelemetryOff(), for code that loads it lazily; code importing it
 * statically calls keepOnnxRuntimeTelemetryOff() before its first session.
 */
export async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  keepOnnxRuntimeTelemetryOff();
  return import('onnxruntime-node');
}
