/**
 * "Calling the backend directly": the same decode → letterbox → ONNX Runtime → decode/NMS pipeline and the same
 * EmbeddedBackend the service uses, in one process, no HTTP, no keys, no limits. argv: modelDir image.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import {
  decodeImage,
  postprocess,
  prepareInput,
  readOnnxSummary,
  resolveModelInfo,
} from '../../electron/core/vision';
import { EmbeddedBackend } from '../backends/embedded';

const [modelDir, imagePath] = process.argv.slice(2);
const onnx = readFileSync(path.join(modelDir!, 'model.onnx'));
const summary = readOnnxSummary(onnx);
const metadataFile = path.join(modelDir!, 'metadata.json');
const metadataJson = existsSync(metadataFile) ? JSON.parse(readFileSync(metadataFile, 'utf8')) : undefined;
const info = resolveModelInfo({ metadataJson, onnx: summary });
const image = readFileSync(imagePath!);
const backend = new EmbeddedBackend();
await backend.load({ deploymentId: 'direct', version: 1, onnx, summary, replicas: 1 });

async function once(): Promise<void> {
  // A fresh buffer per call, as each request brings: libvips would otherwise serve repeats from its cache.
  const decoded = await decodeImage(Buffer.from(image));
  const input = prepareInput(decoded, info);
  const outputs = await backend.infer('direct', 1, {
    name: info.inputName ?? 'images',
    data: input.tensor,
    dims: input.dims,
  });
  postprocess(outputs, info, input.transform);
}

async function run(
  concurrency: number,
  seconds: number,
): Promise<{ latencies: number[]; durationMs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, durationMs: performance.now() - start };
}

// Commands on stdin, one per line: "<concurrency> <seconds>"; answers one JSON line each. Lets the benchmark
// alternate short slices of direct and service runs, so background load on the machine hits both alike.
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [c, s] = line.trim().split(/\s+/).map(Number);
  if (!c || !s) break;
  console.log(JSON.stringify(await run(c, s)));
}
await backend.close();
