/**
 * The runtime wrappers a bundle can carry: every `native-runtimes/<runtime>/ship.json` (the convention in
 * native-runtimes/README.md): which Edgepack formats the wrapper runs and exactly which of its files ship.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { exportFormatSchema, type ExportFormat } from '../../contract';
import { AppError } from '../errors';

const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !/[*?[\]{}]/.test(p), 'globs are not allowed; list each file')
  .refine(
    (p) => !path.isAbsolute(p) && !p.includes('\\') && path.posix.normalize(p) === p && !p.startsWith('..'),
    'must be a plain relative path inside the runtime folder (forward slashes, no "..")',
  );

const shipSchema = z
  .object({
    runtime: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    formats: z.array(exportFormatSchema).min(1),
    files: z.array(relativeFile).min(1),
    summary: z.string().min(1),
  })
  .strict();

export interface ShippedRuntime {
  runtime: string;
  formats: ExportFormat[];
  /** Relative to `dir`, as listed (sorted, without repeats). */
  files: string[];
  summary: string;
  /** The runtime's folder, e.g. <resources>/native-runtimes/python. */
  dir: string;
}

function invalid(file: string, problem: string): AppError {
  return new AppError(
    'RUNTIME_TEMPLATE_INVALID',
    `${file}: ${problem}`,
    'The runtime templates that ship with Edgepack are damaged or incomplete: fix that ship.json (see native-runtimes/README.md, "ship.json"), or reinstall Edgepack.',
  );
}

/** Reads and checks one ship.json: its fields, that `runtime` is its folder's name, that every listed file is there. */
export function readShip(shipFile: string): ShippedRuntime {
  const dir = path.dirname(shipFile);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(shipFile, 'utf8'));
  } catch (error) {
    throw invalid(shipFile, `not readable JSON (${(error as Error).message})`);
  }
  const parsed = shipSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(shipFile, `field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const ship = parsed.data;
  if (ship.runtime !== path.basename(dir)) {
    throw invalid(shipFile, `field runtime is "${ship.runtime}" but the folder is ${path.basename(dir)}`);
  }
  const files = [...new Set(ship.files)].sort();
  for (const file of files) {
    if (!fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.isFile()) {
      throw invalid(shipFile, `field files lists ${file}, which is not a file in ${dir}`);
    }
  }
  return { runtime: ship.runtime, formats: ship.formats, files, summary: ship.summary, dir };
}

/** Every runtime folder with a ship.json under `runtimesDir`, in name order. */
export function shippedRuntimes(runtimesDir: string): ShippedRuntime[] {
  if (!fs.existsSync(runtimesDir)) {
    throw new AppError(
      'RUNTIME_TEMPLATES_MISSING',
      `The runtime templates folder ${runtimesDir} is missing.`,
      'Reinstall Edgepack (the folder ships with the app), or run it from a full clone of the repository.',
    );
  }
  return fs
    .readdirSync(runtimesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(runtimesDir, e.name, 'ship.json')))
    .map((e) => e.name)
    .sort()
    .map((name) => readShip(path.join(runtimesDir, name, 'ship.json')));
}
