/**
 * A folder of conformance vectors on disk (native-runtimes/conformance/README.md): index.json, models/<task>/,
 * images/, cases/<case>/. Every path inside is relative to the folder given, so a bundle's copy reads the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BuiltConformanceCase } from './conformance-case';
import type { ConformanceModelSource } from './conformance-model';
import type { ConformanceCase, ConformanceIndex } from './conformance-format';
import { CONFORMANCE_SCHEMA_VERSION, tensorFromBytes } from './conformance-format';
import type { WireTensor } from './io-tensors';
import { METADATA_FILE } from './metadata';

export const CONFORMANCE_MODEL_FILE = 'model.onnx';

/** Text of a JSON file as the vectors write it (a caller may format it its own way, e.g. with Prettier). */
export type JsonFormatter = (value: unknown) => string | Promise<string>;

const plainJson: JsonFormatter = (value) => `${JSON.stringify(value, null, 2)}\n`;

function readJson<T>(file: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `${file} is missing. Regenerate the vectors (npm run gen:conformance) or restore the file.`,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}). Restore it from the vectors.`, {
      cause: error,
    });
  }
}

export function readConformanceIndex(root: string): ConformanceIndex {
  const index = readJson<ConformanceIndex>(path.join(root, 'index.json'));
  if (index.schema_version !== CONFORMANCE_SCHEMA_VERSION || !Array.isArray(index.cases)) {
    throw new Error(
      `${path.join(root, 'index.json')} is not a conformance index of schema ${CONFORMANCE_SCHEMA_VERSION}.`,
    );
  }
  return index;
}

export function readConformanceCase(root: string, name: string): ConformanceCase {
  return readJson<ConformanceCase>(path.join(root, 'cases', name, 'case.json'));
}

/** The model folder a case names: its ONNX bytes and metadata.json. */
export function readCaseModel(root: string, modelPath: string): ConformanceModelSource {
  const folder = path.join(root, modelPath);
  return {
    path: modelPath,
    onnx: new Uint8Array(fs.readFileSync(path.join(folder, CONFORMANCE_MODEL_FILE))),
    metadata: readJson<unknown>(path.join(folder, METADATA_FILE)),
  };
}

/** A case's raw outputs from its .bin files, in the model's order. */
export function readCaseOutputs(root: string, caseJson: ConformanceCase): WireTensor[] {
  return caseJson.outputs.map((output) =>
    tensorFromBytes(new Uint8Array(fs.readFileSync(path.join(root, output.file))), output),
  );
}

/** Writes a built case (its folder is replaced) under `root`. */
export async function writeConformanceCase(
  root: string,
  built: BuiltConformanceCase,
  json: JsonFormatter = plainJson,
): Promise<void> {
  const folder = path.join(root, 'cases', built.caseJson.name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const [file, bytes] of built.files) fs.writeFileSync(path.join(root, file), bytes);
  fs.writeFileSync(path.join(folder, 'case.json'), await json(built.caseJson));
}

/** Writes index.json listing `cases`. */
export async function writeConformanceIndex(
  root: string,
  cases: string[],
  json: JsonFormatter = plainJson,
): Promise<void> {
  const index: ConformanceIndex = { schema_version: CONFORMANCE_SCHEMA_VERSION, cases };
  fs.writeFileSync(path.join(root, 'index.json'), await json(index));
}
