/**
 * "Calling the backend directly": the same decode → letterbox → inference → decode/NMS pipeline (runPipeline) and
 * the same backend, configured from the same environment (PLATFORM_BACKEND, PLATFORM_ORT_THREADS, TRITON_*), as the
 * service, in one process: no HTTP, no keys, no limits. With the embedded backend it runs on one event loop, where
 * onnxruntime-node's run blocks, like the service: both run one inference at a time and decode the next images on
 * libuv's threads meanwhile. With Triton, the model is loaded into the same tritonserver under its own name.
 * argv: modelDir image.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { createBackend } from '../backends/create';
import { configFromEnv } from '../server/config';
import { ownCpuMs } from './cpu';
import { validateModelPackage } from '../server/packages';
import { runPipeline } from '../server/pipeline';

const [modelDir, imagePath] = process.argv.slice(2);
const onnx = readFileSync(path.join(modelDir!, 'model.onnx'));
const metadataFile = path.join(modelDir!, 'metadata.json');
const model = validateModelPackage(
  onnx,
  existsSync(metadataFile) ? readFileSync(metadataFile, 'utf8') : null,
);
const image = readFileSync(imagePath!);
const backend = await createBackend(configFromEnv().backend);
await backend.load({ deploymentId: 'direct', version: 1, onnx, summary: model.summary, replicas: 1 });

async function once(): Promise<void> {
  // A fresh buffer per call, as each request brings: libvips would otherwise serve repeats from its cache.
  await runPipeline(Buffer.from(image), model, (input) => backend.infer('direct', 1, input), {});
}

async function run(
  concurrency: number,
  seconds: number,
): Promise<{ latencies: number[]; durationMs: number; cpuMs: number }> {
  const latencies: number[] = [];
  const cpu = ownCpuMs();
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
  return { latencies, durationMs: performance.now() - start, cpuMs: ownCpuMs() - cpu };
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
