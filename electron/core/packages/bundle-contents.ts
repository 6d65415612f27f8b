/**
 * What goes into a bundle zip, decided before a byte is written: the export's model files and metadata.json at the
 * root, each runtime wrapper that runs one of its formats under runtimes/<runtime>/, the model's own conformance
 * vectors under conformance/ (ONNX exports), and the README; manifest.json is added last by the writer. Every problem (an export that is not finished, no wrapper for its formats, no
 * metadata.json) is found here, so a refused package never starts a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExportJob, FormatResult } from '../../contract';
import { AppError } from '../errors';
import { conformanceEntries } from './bundle-conformance';
import { bundleReadme } from './bundle-readme';
import type { ShippedRuntime } from './ship';
import type { ZipEntry } from './zip-writer';

export interface BundleSubject {
  job: ExportJob;
  modelName: string;
  metadataPath: string | null;
}

export interface BundlePlan {
  /** Sorted by name; manifest.json comes after them. */
  entries: ZipEntry[];
  formats: string[];
  runtimes: ShippedRuntime[];
  metadata: { schemaVersion: string; task: string };
}

/** Results whose files are the model: what the export produced and checked (a failed one's files are not kept). */
export function modelResults(job: ExportJob): (FormatResult & { path: string })[] {
  return job.results.filter(
    (r): r is FormatResult & { path: string } =>
      Boolean(r.path) && r.status !== 'failed' && r.status !== 'failed_parity' && fs.existsSync(r.path!),
  );
}

/** A file, or every file under a folder (an OpenVINO or CoreML model is a folder), as entries under `prefix`. */
export function entriesOf(source: string, prefix: string): ZipEntry[] {
  const stat = fs.statSync(source);
  if (!stat.isDirectory()) return [{ name: prefix, source: { file: source }, size: stat.size }];
  return fs
    .readdirSync(source)
    .sort()
    .flatMap((name) => entriesOf(path.join(source, name), `${prefix}/${name}`));
}

export function assertPackageable(job: ExportJob): void {
  if (job.status !== 'completed' && job.status !== 'partial') {
    const running = job.status === 'pending' || job.status === 'running';
    throw new AppError(
      'EXPORT_NOT_COMPLETED',
      `Export v${job.version} (${job.id}) is ${job.status}; only a completed export can be packaged.`,
      running
        ? `Wait for it to finish (\`edgepack exports show ${job.id}\`), then package it.`
        : `Export the model again (\`edgepack export ${job.modelId} --format onnx\`) and package the new export.`,
    );
  }
}

function runtimesFor(job: ExportJob, formats: string[], shipped: ShippedRuntime[]): ShippedRuntime[] {
  const chosen = shipped.filter((r) => r.formats.some((f) => formats.includes(f)));
  if (chosen.length > 0) return chosen;
  const known = shipped.map((r) => `${r.runtime} runs ${r.formats.join(', ')}`).join('; ');
  const wanted = shipped.some((r) => r.formats.includes('onnx'))
    ? 'onnx'
    : (shipped[0]?.formats[0] ?? 'onnx');
  throw new AppError(
    'PACKAGE_NO_RUNTIME',
    `Export v${job.version} (${job.id}) has ${formats.join(', ') || 'no model files'}, and no runtime wrapper runs ${formats.length === 1 ? 'it' : 'any of them'} (${known || 'this Edgepack ships no runtime wrappers'}).`,
    `Make an export in a format a wrapper runs, e.g. \`edgepack export ${job.modelId} --format ${wanted}\`, then package that export.`,
  );
}

export function readMetadata(subject: BundleSubject): { schemaVersion: string; task: string } {
  const { job, metadataPath } = subject;
  type Facts = { schema_version?: unknown; task?: unknown };
  let doc: Facts | null;
  try {
    doc = metadataPath ? (JSON.parse(fs.readFileSync(metadataPath, 'utf8')) as Facts) : null;
  } catch {
    doc = null;
  }
  if (!doc || typeof doc.schema_version !== 'string' || typeof doc.task !== 'string') {
    throw new AppError(
      'PACKAGE_NO_METADATA',
      `Export v${job.version} (${job.id}) has no readable metadata.json${metadataPath ? ` (${metadataPath})` : ''}, which every runtime wrapper reads.`,
      `Export the model again (\`edgepack export ${job.modelId} --format ${job.formats[0] ?? 'onnx'}\`) and package the new export.`,
    );
  }
  return { schemaVersion: doc.schema_version, task: doc.task };
}

/** Where the bundle's pieces come from: the runtime wrappers and the conformance photos and README. */
export interface BundleSources {
  runtimes: ShippedRuntime[];
  /** native-runtimes/conformance/ */
  conformanceDir: string;
}

export async function planBundle(subject: BundleSubject, sources: BundleSources): Promise<BundlePlan> {
  const { job } = subject;
  assertPackageable(job);
  const results = modelResults(job);
  const formats = results.map((r) => r.format);
  const runtimes = runtimesFor(job, formats, sources.runtimes);
  const metadata = readMetadata(subject);
  const entries: ZipEntry[] = [
    ...results.flatMap((r) => entriesOf(r.path, path.basename(r.path))),
    ...entriesOf(subject.metadataPath!, 'metadata.json'),
    ...runtimes.flatMap((r) =>
      r.files.flatMap((file) => entriesOf(path.join(r.dir, file), `runtimes/${r.runtime}/${file}`)),
    ),
  ];
  const onnx = results.find((r) => r.format === 'onnx');
  const vectors = onnx
    ? await conformanceEntries(onnx.path, subject.metadataPath!, sources.conformanceDir)
    : [];
  entries.push(...vectors);
  const readme = Buffer.from(
    bundleReadme({
      ...subject,
      formats,
      runtimes,
      task: metadata.task,
      modelFiles: results,
      vectors: vectors.some((e) => e.name === 'conformance/index.json'),
    }),
  );
  entries.push({ name: 'README.md', source: { data: readme }, size: readme.length });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = entries.map((e) => e.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new Error(`The bundle would hold ${repeated} twice`);
  return { entries, formats, runtimes, metadata };
}
