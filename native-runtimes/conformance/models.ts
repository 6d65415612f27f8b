/**
 * The vectors' models: the fixture checkpoints exported to ONNX FP32 through the real CLI (`edgepack export`) in a
 * throwaway data folder. An export stamps its time into the files (metadata.json's `created_at`, the ONNX `date`);
 * when nothing else differs from the committed copy, the committed copy stays, so regenerating changes no file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveHome, resolveToolchainsDir } from '../../electron/core';
import { METADATA_FILE } from '../typescript/metadata';
import { onnxGraphBytes, readOnnxSummary } from '../typescript/onnx-proto';
import { CONFORMANCE_MODEL_FILE } from '../typescript/conformance-files';
import { sha256Hex } from '../typescript/conformance-format';
import { REPO } from './images';

export const TASKS = ['detect', 'segment', 'classify', 'pose'] as const;
export type Task = (typeof TASKS)[number];

interface ExportedJob {
  status: string;
  results: { format: string; status: string; path: string; error: string | null }[];
  metadataPath: string;
}

/** Exports every task's fixture checkpoint and places model.onnx + metadata.json in `folder`/models/<task>/. */
export function exportModels(folder: string): void {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-conformance-'));
  const env = {
    ...process.env,
    EDGEPACK_HOME: home,
    // The toolchain the person already has (a throwaway data folder would otherwise have none).
    EDGEPACK_TOOLCHAINS: resolveToolchainsDir(resolveHome()),
  };
  try {
    for (const task of TASKS) {
      const job = exportCheckpoint(task, env);
      placeModel(path.join(folder, 'models', task), job.results[0]!.path, job.metadataPath);
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function exportCheckpoint(task: Task, env: NodeJS.ProcessEnv): ExportedJob {
  const checkpoint = path.join('tests', 'fixtures', 'models', `${task}.pt`);
  console.log(`exporting ${checkpoint} to ONNX…`);
  const r = spawnSync(
    process.execPath,
    ['bin/edgepack.mjs', 'export', checkpoint, '--format', 'onnx', '--json'],
    { cwd: REPO, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const job = parseJob(r.stdout);
  if (r.status !== 0 || job?.status !== 'completed' || job.results[0]?.status !== 'passed') {
    throw new Error(
      `edgepack export ${checkpoint} --format onnx failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}\n` +
        'The toolchain must be ready: `node bin/edgepack.mjs doctor`.',
    );
  }
  return job;
}

type Document = Record<string, unknown>;

/** A metadata document (and each format's under `formats`) without its creation time and measured latency. */
function withoutStamps(document: Document): Document {
  const { created_at: _created, validation: _validation, formats, ...facts } = document;
  if (typeof formats !== 'object' || formats === null) return facts;
  const stable = Object.entries(formats as Record<string, Document>).map(([id, d]) => [id, withoutStamps(d)]);
  return { ...facts, formats: Object.fromEntries(stable) };
}

function parseJob(stdout: string): ExportedJob | null {
  try {
    return JSON.parse(stdout) as ExportedJob;
  } catch {
    return null;
  }
}

/** What an export decides, without its time stamps: equal views mean the same model and the same metadata. */
function stableView(onnx: Uint8Array, metadata: Document): string {
  const { date: _date, edgepack_metadata: embedded, ...props } = readOnnxSummary(onnx).metadata;
  const embeddedFacts = embedded ? withoutStamps(JSON.parse(embedded) as Document) : null;
  const graph = sha256Hex(onnxGraphBytes(onnx));
  return JSON.stringify({ graph, props, embeddedFacts, facts: withoutStamps(metadata) });
}

function placeModel(target: string, onnxFile: string, metadataFile: string): void {
  const onnx = new Uint8Array(fs.readFileSync(onnxFile));
  const metadata = JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as Document;
  const committedOnnx = path.join(target, CONFORMANCE_MODEL_FILE);
  const committedMetadata = path.join(target, METADATA_FILE);
  if (fs.existsSync(committedOnnx) && fs.existsSync(committedMetadata)) {
    const before = stableView(
      new Uint8Array(fs.readFileSync(committedOnnx)),
      JSON.parse(fs.readFileSync(committedMetadata, 'utf8')) as Document,
    );
    if (before === stableView(onnx, metadata)) {
      console.log(`${path.relative(REPO, target)}: the export is unchanged; the committed files stay`);
      return;
    }
    console.log(`${path.relative(REPO, target)}: the export changed; replacing the committed files`);
  }
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(onnxFile, committedOnnx);
  fs.copyFileSync(metadataFile, committedMetadata);
}
