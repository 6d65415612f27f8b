/**
 * Checks what `edgepack … --json` printed against the command's JSON Schema in resources/schemas/cli/ (success) or
 * error.schema.json (failure). `cli()` and `startCli()` in helpers.ts run it on every --json call, so each test that
 * runs a command checks its documented shape too.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputKeyOf, schemaId, type CliCommandKey } from '../../electron/cli/schemas';

const SCHEMA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'resources',
  'schemas',
  'cli',
);

let ajv: Ajv2020 | null = null;
function validator(id: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    for (const file of fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
      ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')));
    }
  }
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`No schema ${id} in ${SCHEMA_DIR} (run \`npm run gen:cli-schemas\`).`);
  return validate;
}

/**
 * The command an argument list runs, as the schemas name it: `['models', 'list', '--json']` → 'models list'. With
 * --json, `--help` is `help` and a lone `--version` is `version` (electron/cli/index.ts, jsonArguments).
 */
export function commandKeyOf(args: readonly string[]): CliCommandKey | null {
  const words = args.filter((a) => !a.startsWith('-'));
  if (args.includes('--help') || args.includes('-h')) return 'help';
  if (words.length === 0 && (args.includes('--version') || args.includes('-V'))) return 'version';
  return outputKeyOf(words.slice(0, 2)) ?? outputKeyOf(words.slice(0, 1));
}

/** A failure's answer is `{"error": {…}}` alone (an export job has an `error` member too). */
export function isErrorOutput(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    Object.keys(json).length === 1 &&
    'error' in json
  );
}

/** Why `json` does not follow the schema of what `args` ran (null when it does). */
export function cliJsonProblems(args: readonly string[], json: unknown): string | null {
  const key = isErrorOutput(json) ? 'error' : commandKeyOf(args);
  if (!key) return `no schema for \`edgepack ${args.join(' ')}\``;
  const validate = validator(schemaId(key));
  if (validate(json)) return null;
  return `\`edgepack ${args.join(' ')}\` printed JSON that does not follow ${schemaId(key)}:\n${(
    validate.errors ?? []
  )
    .slice(0, 10)
    .map((e) => `  ${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('\n')}`;
}

/**
 * Members whose own keys are data or another vocabulary, not ours: the trainer's parity figures (metadata.json's
 * `validation_metrics`), accuracy `figures` (metadata.json's `validation.accuracy`, e.g. `map50_95`), package names, an ONNX file's own metadata properties and opset domains (`ai.onnx`), and
 * prediction objects (the seed's `{class, class_id, confidence, bbox}`, as the endpoint answers them).
 */
const NOT_OUR_KEYS = new Set(['parity', 'packages', 'metadata', 'opsets', 'predictions', 'figures']);

/** The keys of the CLI's JSON that are not camelCase (outside NOT_OUR_KEYS), as JSON paths. */
export function casingProblems(json: unknown, at = ''): string[] {
  if (Array.isArray(json)) return json.flatMap((item, i) => casingProblems(item, `${at}[${i}]`));
  if (typeof json !== 'object' || json === null) return [];
  return Object.entries(json).flatMap(([key, value]) => [
    ...(/^[a-z][a-zA-Z0-9]*$/.test(key) ? [] : [`${at}.${key}`]),
    ...(NOT_OUR_KEYS.has(key) ? [] : casingProblems(value, `${at}.${key}`)),
  ]);
}

/** Throws when a --json run printed something other than one JSON document of its documented shape. */
export function assertCliJson(args: readonly string[], stdout: string, json: unknown): void {
  if (!args.includes('--json') || stdout.trim() === '') return; // nothing printed: killed before it answered
  if (json === undefined) {
    throw new Error(
      `\`edgepack ${args.join(' ')}\` did not print one JSON document:\n${stdout.slice(0, 2000)}`,
    );
  }
  const problems = cliJsonProblems(args, json);
  if (problems) throw new Error(problems);
  const casing = casingProblems(json);
  if (casing.length) {
    throw new Error(
      `\`edgepack ${args.join(' ')}\` printed keys that are not camelCase: ${casing.join(', ')}`,
    );
  }
}
