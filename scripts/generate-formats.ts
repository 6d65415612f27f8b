// `npm run gen:formats [-- --check]`: writes electron/contract/generated/formats.ts from the trainers' registry, the
// source of truth for the export formats (`trainers/ultralytics/export.py --list-formats`): the format ids, every
// option with its type, default and limits (as zod schemas too), the environment each format converts in, the task
// list and the image-size policy. `--check` writes nothing and fails when the committed file differs.
// The interpreter: --python PATH, else EDGEPACK_TEST_PYTHON (the tests' toolchain), else the toolchain environment
// (made through `edgepack doctor --fix` when missing, as the app makes it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { camelName } from '../electron/core/toolchain/names';

/** One option as `--list-formats` gives it (registry.Option.to_dict). */
export interface ListedOption {
  type: string;
  default?: number | boolean | string;
  help?: string;
  minimum?: number;
  maximum?: number;
  choices?: (number | string)[];
}

/** A format as `--list-formats` gives it (registry.FormatSpec.describe). */
export interface ListedFormat {
  id: string;
  label: string;
  artifact: string;
  tasks: string[];
  runtime: string;
  runnable_here: boolean;
  quality: string;
  environment: string;
  export_options: Record<string, ListedOption>;
  optimization_options: Record<string, ListedOption>;
  note: string;
}

/** The result of `export.py --list-formats` (registry.listing). */
export interface Listing {
  formats_table: Record<string, ListedFormat>;
  format_ids: string[];
  tasks: string[];
  environments: Record<string, { main: boolean; requirements: string; python_variable: string | null }>;
  imgsz: ListedOption & { default_stride: number; warning: string };
}

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = path.join(REPO, 'electron', 'contract', 'generated', 'formats.ts');
const TRAINER = path.join('trainers', 'ultralytics', 'export.py');

/** The trainer's `--list-formats` result event. */
export function readListing(python: string): Listing {
  const r = spawnSync(python, [TRAINER, '--list-formats'], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = (r.stdout ?? '')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event: string } & Partial<Listing>)
    .find((event) => event.event === 'result');
  if (r.status !== 0 || !result?.formats_table) {
    throw new Error(
      `${python} ${TRAINER} --list-formats failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  return result as Listing;
}

const js = (value: unknown) => JSON.stringify(value);

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `of at least ${min}`;
  if (max !== undefined) return `of at most ${max}`;
  return '';
}

/**
 * One option's zod schema. A job's options are shared by its formats, so an option several formats take gets one
 * schema: the same type everywhere (else this refuses to generate), and the widest limits; each format's own limits
 * stay in FORMATS and the contract checks them per chosen format.
 */
export function zodFor(key: string, specs: ListedOption[]): string {
  const types = [...new Set(specs.map((s) => s.type))];
  if (types.length !== 1) {
    throw new Error(
      `option '${key}' is a ${types.join(' in one format and a ')} in another: one name, one type`,
    );
  }
  const choices = specs.every((s) => s.choices) ? [...new Set(specs.flatMap((s) => s.choices!))] : undefined;
  const bound = (name: 'minimum' | 'maximum', pick: (...values: number[]) => number) =>
    specs.every((s) => s[name] !== undefined) ? pick(...specs.map((s) => s[name]!)) : undefined;
  const min = bound('minimum', Math.min);
  const max = bound('maximum', Math.max);
  switch (types[0]) {
    case 'boolean':
      return 'z.boolean().optional()';
    case 'string':
      return choices
        ? `z.enum(${js(choices)}, ${js(`${key} must be one of ${choices.join(', ')}`)}).optional()`
        : 'z.string().optional()';
    case 'integer': {
      if (choices)
        return `z.literal(${js(choices)}, ${js(`${key} must be one of ${choices.join(', ')}`)}).optional()`;
      const message = js(`${key} must be a whole number ${rangeText(min, max)}`.trim());
      return (
        `z.number().int(${message})` +
        (min !== undefined ? `.min(${min}, ${message})` : '') +
        (max !== undefined ? `.max(${max}, ${message})` : '') +
        '.optional()'
      );
    }
    default:
      throw new Error(`option '${key}' has a type the generator does not know: ${types[0]}`);
  }
}

function optionSpec(option: ListedOption): ListedOption {
  const out: Record<string, unknown> = { type: option.type };
  for (const name of ['default', 'minimum', 'maximum', 'choices', 'help'] as const) {
    if (option[name] !== undefined) out[name] = option[name];
  }
  return out as unknown as ListedOption;
}

function shape(formats: ListedFormat[], group: 'export_options' | 'optimization_options'): string {
  const byKey = new Map<string, ListedOption[]>();
  for (const format of formats) {
    for (const [name, option] of Object.entries(format[group])) {
      const key = camelName(name);
      byKey.set(key, [...(byKey.get(key) ?? []), option]);
    }
  }
  return `{\n${[...byKey].map(([key, specs]) => `  ${js(key)}: ${zodFor(key, specs)},`).join('\n')}\n}`;
}

/** The TypeScript source for a listing, formatted as the repository's prettier would. */
export async function render(listing: Listing): Promise<string> {
  const formats = listing.format_ids.map((id) => listing.formats_table[id]!);
  const table = Object.fromEntries(
    formats.map((f) => [
      f.id,
      {
        label: f.label,
        artifact: f.artifact,
        environment: f.environment,
        runtime: f.runtime,
        quality: f.quality,
        runnableHere: f.runnable_here,
        note: f.note,
        tasks: f.tasks,
        // Option names as TypeScript has them (calib_dir → calibDir); the trainer gets them back as its own
        // through electron/core/toolchain/names.ts.
        exportOptions: Object.fromEntries(
          Object.entries(f.export_options).map(([k, o]) => [camelName(k), optionSpec(o)]),
        ),
        optimizationOptions: Object.fromEntries(
          Object.entries(f.optimization_options).map(([k, o]) => [camelName(k), optionSpec(o)]),
        ),
      },
    ]),
  );
  const environments = Object.fromEntries(
    Object.entries(listing.environments).map(([name, e]) => [
      name,
      { main: e.main, requirements: e.requirements, pythonVariable: e.python_variable },
    ]),
  );
  const imgsz = listing.imgsz;
  const source = `// Generated by \`npm run gen:formats\` (scripts/generate-formats.mjs) from the trainers' registry, the source of
// truth: \`trainers/ultralytics/export.py --list-formats\`. Do not edit: change trainers/common/registry.py or
// trainers/ultralytics/formats/<id>.py and generate again (tests/integration/formats-generated.test.ts fails while
// this file differs from a fresh generation).
import { z } from 'zod';

/** The tasks Edgepack exports (registry.TASKS). */
export const TASKS = ${js(listing.tasks)} as const;

/** The export formats, in listing order (the most portable first). */
export const FORMAT_IDS = ${js(listing.format_ids)} as const;

/** The toolchain environments: the main one the trainer runs in, and those made on first use for one converter
 * (the app passes that environment's interpreter in \`pythonVariable\`). */
export const ENVIRONMENTS = ${js(environments)} as const;

/** Image size: any whole number in this range; one that is not a multiple of the model's stride (\`defaultStride\`
 * when the model does not say) is rounded up to the next multiple, with \`warning\` ({requested}, {stride}, {rounded}). */
export const IMGSZ_POLICY = ${js({
    minimum: imgsz.minimum,
    maximum: imgsz.maximum,
    defaultStride: imgsz.default_stride,
    warning: imgsz.warning,
  })} as const;

/** One option of a format: its JSON type, default (absent: the checkpoint or the converter decides) and limits. */
export interface OptionSpec {
  type: 'integer' | 'boolean' | 'string';
  default?: number | boolean | string;
  minimum?: number;
  maximum?: number;
  choices?: readonly (number | string)[];
  help?: string;
}

/** One format as the registry describes it. */
export interface FormatSpec {
  label: string;
  /** The file or folder it writes, e.g. model.onnx. */
  artifact: string;
  /** The toolchain environment its converter runs in. */
  environment: keyof typeof ENVIRONMENTS;
  /** Where its parity check runs ('' when it cannot run here). */
  runtime: string;
  /** The seed's quality level, excellent / good / fair. */
  quality: string;
  /** False: checked structurally only (CoreML off Apple devices, TensorRT without an NVIDIA GPU). */
  runnableHere: boolean;
  note: string;
  tasks: readonly (typeof TASKS)[number][];
  exportOptions: Record<string, OptionSpec>;
  optimizationOptions: Record<string, OptionSpec>;
}

/** Each format: the options it takes (with their limits), its environment, its tasks. */
export const FORMATS = ${js(table)} as const satisfies Record<(typeof FORMAT_IDS)[number], FormatSpec>;

/** Every export option some format takes. A job's options are shared by its formats: an option several formats
 * take has one type and, here, the widest of their limits (each format's own are in FORMATS). */
export const exportOptionsShape = ${shape(formats, 'export_options')};

/** Every optimization option some format takes (as exportOptionsShape). */
export const optimizationOptionsShape = ${shape(formats, 'optimization_options')};
`;
  const config = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(source, { ...config, filepath: OUTPUT });
}

/** Writes (or with `check`, compares) the generated file; returns whether it was up to date. */
export async function generate({
  python,
  check = false,
}: {
  python: string;
  check?: boolean;
}): Promise<boolean> {
  const fresh = await render(readListing(python));
  const committed = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : null;
  if (check) return committed === fresh;
  if (committed !== fresh) {
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, fresh);
  }
  return committed === fresh;
}

/** The toolchain environment's interpreter, made (if missing) by the CLI exactly as the app makes it. */
function toolchainPython(): string {
  const r = spawnSync(process.execPath, ['bin/edgepack.mjs', 'doctor', '--fix', '--json'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(r.stdout) as { ok: boolean; environment: { path: string } };
  if (!report.ok) throw new Error(`the toolchain environment is not ready: ${r.stdout}`);
  return path.join(report.environment.path, 'bin', 'python');
}

async function main(argv: string[]): Promise<void> {
  const check = argv.includes('--check');
  const at = argv.indexOf('--python');
  const python = (at >= 0 ? argv[at + 1] : process.env['EDGEPACK_TEST_PYTHON']) ?? toolchainPython();
  const relative = path.relative(REPO, OUTPUT);
  const upToDate = await generate({ python, check });
  if (check && !upToDate) {
    console.error(
      `${relative} differs from the trainers' registry: run \`npm run gen:formats\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(`${relative}: ${upToDate ? 'up to date' : 'written'}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
