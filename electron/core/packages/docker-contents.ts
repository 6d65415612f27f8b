/**
 * What goes into a Docker package zip: a Triton model repository of the export's ONNX model (config.pbtxt from the
 * platform's own generator, with the Ultralytics `metadata` parameter), the HTTP server (native-runtimes/docker/
 * server.py with the Python wrapper's modules and metadata.json) answering `POST /v1/infer` as the platform does,
 * both Dockerfiles, docker-compose.yml and the README; manifest.json is added last by the writer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExportJob } from '../../contract';
import { metadataForFormat } from '../../../native-runtimes/typescript/metadata';
import { resolveModelInfo } from '../../../native-runtimes/typescript/model-info';
import { readOnnxSummary } from '../../../native-runtimes/typescript/onnx-proto';
import { renderConfigPbtxt, tritonModelConfig } from '../../../platform/repository/config-pbtxt';
import { tritonModelFacts } from '../../../platform/repository/triton-metadata';
import { AppError } from '../errors';
import {
  assertPackageable,
  entriesOf,
  modelResults,
  readMetadata,
  type BundlePlan,
  type BundleSubject,
} from './bundle-contents';
import { composeFile, dockerReadme, serverRequirements, type DockerFacts } from './docker-files';
import type { ShippedRuntime } from './ship';
import type { ZipEntry } from './zip-writer';

/** The Triton model name: the model's name and export version, as Triton accepts it in a URL and a folder. */
export function tritonNameOf(modelName: string, version: number): string {
  const stem = path
    .parse(modelName)
    .name.toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-');
  return `${stem.replace(/^[-_]+|[-_]+$/g, '') || 'model'}-v${version}`;
}

function needsOnnx(job: ExportJob, formats: string[]): AppError {
  return new AppError(
    'PACKAGE_NEEDS_ONNX',
    `Export v${job.version} (${job.id}) has ${formats.join(', ') || 'no model files'} but no ONNX model, which the Docker package serves with Triton's ONNX Runtime backend.`,
    `Make an ONNX export of the same model (\`edgepack export ${job.modelId} --format onnx\`), then package that export with --target docker.`,
  );
}

function bytesEntry(name: string, text: string): ZipEntry {
  const data = Buffer.from(text);
  return { name, source: { data }, size: data.length };
}

/** The server's own files: its Python modules and Dockerfile, and the Python wrapper's modules (not its examples). */
function serverEntries(dockerDir: string, python: ShippedRuntime): ZipEntry[] {
  const own = fs
    .readdirSync(dockerDir)
    .filter((f) => f.endsWith('.py'))
    .sort();
  const modules = python.files.filter((f) => /^wrapper_\w+\.py$/.test(f));
  return [
    ...own.flatMap((f) => entriesOf(path.join(dockerDir, f), `server/${f}`)),
    ...entriesOf(path.join(dockerDir, 'server.Dockerfile'), 'server/Dockerfile'),
    ...modules.flatMap((f) => entriesOf(path.join(python.dir, f), `server/${f}`)),
    bytesEntry(
      'server/requirements.txt',
      serverRequirements(fs.readFileSync(path.join(python.dir, 'requirements.txt'), 'utf8')),
    ),
  ];
}

export interface DockerSources {
  /** native-runtimes/docker/ */
  dockerDir: string;
  /** The Python wrapper (native-runtimes/python), whose modules do the server's pre- and post-processing. */
  python: ShippedRuntime;
}

export async function planDocker(subject: BundleSubject, sources: DockerSources): Promise<BundlePlan> {
  const { job } = subject;
  assertPackageable(job);
  const results = modelResults(job);
  const onnx = results.find((r) => r.format === 'onnx');
  if (!onnx)
    throw needsOnnx(
      job,
      results.map((r) => r.format),
    );
  const metadata = readMetadata(subject);
  const metadataText = await fs.promises.readFile(subject.metadataPath!, 'utf8');
  const parsed: unknown = JSON.parse(metadataText);
  const summary = readOnnxSummary(await fs.promises.readFile(onnx.path));
  const info = resolveModelInfo({ metadataJson: metadataForFormat(parsed, 'onnx') ?? parsed, onnx: summary });
  const tritonName = tritonNameOf(subject.modelName, job.version);
  const config = tritonModelConfig({
    modelName: tritonName,
    summary,
    backend: 'onnxruntime',
    instances: 1,
    facts: tritonModelFacts(info, summary),
  });
  const facts: DockerFacts = {
    job,
    modelName: subject.modelName,
    tritonName,
    modelFile: path.basename(onnx.path),
    task: metadata.task,
  };
  const repository = `model_repository/${tritonName}`;
  const entries: ZipEntry[] = [
    bytesEntry(`${repository}/config.pbtxt`, renderConfigPbtxt(config)),
    ...entriesOf(onnx.path, `${repository}/1/model.onnx`),
    ...entriesOf(path.join(sources.dockerDir, 'triton.Dockerfile'), 'triton/Dockerfile'),
    ...serverEntries(sources.dockerDir, sources.python),
    ...entriesOf(subject.metadataPath!, 'server/metadata.json'),
    bytesEntry('docker-compose.yml', composeFile(facts)),
    bytesEntry('README.md', dockerReadme(facts)),
  ];
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, formats: ['onnx'], runtimes: [sources.python], metadata };
}
