import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  FORMATS,
  ONNX_MODEL_FORMATS,
  onnxMissingFacts,
  type ExportFormat,
  type FormatResult,
  type ModelRecord,
} from '../../contract';
import type { ExportJobsRepo } from '../db';
import { AppError } from '../errors';
import type { DataPaths } from '../paths';
import type { CreateExport } from './service';

export const AS_IS_NOTE =
  'The ONNX file as added, unchanged: nothing was converted, so there is nothing to compare it with.';

/**
 * An ONNX model "exported" to ONNX: the file kept as it is, recorded as a completed export so that the preview, the
 * endpoint and packages take it like any other. Refused, before anything is recorded, for a conversion (those start
 * from the PyTorch model), for options (size, precision are fixed in the file) and for a file that does not say its
 * task, class names and input size.
 */
export function keepOnnxAsIs(
  deps: { jobs: ExportJobsRepo; paths: DataPaths },
  model: ModelRecord,
  request: CreateExport,
): string {
  const conversions = request.formats.filter((f) => !ONNX_MODEL_FORMATS.includes(f));
  if (conversions.length > 0) {
    const labels = conversions.map((f) => FORMATS[f as ExportFormat]?.label ?? f).join(', ');
    throw new AppError(
      'EXPORT_UNSUPPORTED',
      `${model.name} is an ONNX model: it can be kept as ONNX, not converted to ${labels}.`,
      'Those conversions start from the PyTorch model: add the .pt checkpoint the ONNX file came from and export that.',
    );
  }
  const options = [...Object.keys(request.exportConfig), ...Object.keys(request.optimizationConfig)];
  if (options.length > 0) {
    throw new AppError(
      'EXPORT_OPTIONS_UNSUPPORTED',
      `${model.name} is kept as it is, so ${options.join(', ')} cannot be set: they are fixed in the ONNX file.`,
      'Leave the options out, or export the .pt checkpoint it came from with them.',
    );
  }
  const missing = onnxMissingFacts(model);
  if (missing.length > 0) {
    throw new AppError(
      'ONNX_METADATA_MISSING',
      `${model.name} does not say its ${missing.join(', ')}, so it cannot be used as it is.`,
      'Export it with Ultralytics (which writes them into the file), or open it in the Playground and give them there.',
    );
  }
  if (!fs.existsSync(model.storedPath)) {
    throw new AppError(
      'MODEL_FILE_MISSING',
      `The stored copy of ${model.name} is missing (${model.storedPath}).`,
      'Remove the model and add the file again.',
    );
  }
  const row = deps.jobs.create({
    id: randomUUID(),
    modelId: model.id,
    formats: ['onnx'],
    checkpointPath: model.storedPath,
    checkpointSha256: model.sha256,
    exportConfig: {},
    optimizationConfig: {},
    versionTag: request.versionTag ?? null,
    ownerPid: process.pid,
    ownerStarted: null,
  });
  const dir = deps.paths.exportDir(model.id, row.version);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'model.onnx');
    fs.copyFileSync(model.storedPath, `${file}.partial`);
    fs.renameSync(`${file}.partial`, file);
    const bytes = fs.statSync(file).size;
    const result: FormatResult = {
      format: 'onnx',
      status: 'passed',
      path: file,
      bytes,
      parity: null,
      latencyMs: null,
      durationMs: null,
      error: null,
      note: AS_IS_NOTE,
    };
    deps.jobs.finish(row.id, {
      status: 'completed',
      started_at: new Date().toISOString(),
      format_results: [result],
      output_dir: dir,
      exported_model_path: file,
      model_size_bytes: bytes,
      progress_stage: 'done',
      progress_fraction: 1,
      log: `Kept ${model.name} as it is: ${file}\n${AS_IS_NOTE}`,
    });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    deps.jobs.finish(row.id, {
      status: 'failed',
      progress_stage: 'failed',
      error: {
        code: 'EXPORT_FINALIZE_FAILED',
        message: `Could not copy ${model.name} into its export folder: ${(error as Error).message}`,
        hint: 'Check the free disk space and that the data folder is writable, then try again.',
      },
    });
  }
  return row.id;
}
