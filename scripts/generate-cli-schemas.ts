// `npm run gen:cli-schemas [-- --check]`: writes resources/schemas/cli/<command>.schema.json, the JSON Schema of what
// each `edgepack` command prints with --json, from the zod schemas in electron/cli/schemas.ts (the one place they are
// written), plus error.schema.json for failures. `--check` writes nothing and fails when a committed file differs
// (tests/unit/cli-schemas.test.ts runs the same comparison).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  CLI_OUTPUTS,
  errorOutputSchema,
  GROUP_DEFAULTS,
  schemaFileName,
  schemaId,
  type CliCommandKey,
} from '../electron/cli/schemas';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_DIR = path.join(REPO, 'resources', 'schemas', 'cli');

function document(key: CliCommandKey | 'error', schema: z.ZodType, description: string): string {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'throw' });
  const { $schema, ...rest } = json as Record<string, unknown>;
  const title = key === 'error' ? 'edgepack <any command> --json (failure)' : `edgepack ${key} --json`;
  return `${JSON.stringify({ $schema, $id: schemaId(key), title, description, ...rest }, null, 2)}\n`;
}

/** File name → contents, for every command and the error shape. */
export function renderCliSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [key, { schema, about }] of Object.entries(CLI_OUTPUTS) as [
    CliCommandKey,
    (typeof CLI_OUTPUTS)[CliCommandKey],
  ][]) {
    const groups = Object.entries(GROUP_DEFAULTS)
      .filter(([, target]) => target === key)
      .map(([group]) => `\`edgepack ${group} --json\``);
    const description = `What \`edgepack ${key} --json\` prints on success: ${about}.${
      groups.length ? ` ${groups.join(', ')} prints the same.` : ''
    } Generated from electron/cli/schemas.ts by \`npm run gen:cli-schemas\`; do not edit.`;
    files.set(schemaFileName(key), document(key, schema as z.ZodType, description));
  }
  files.set(
    schemaFileName('error'),
    document(
      'error',
      errorOutputSchema,
      'What every `edgepack` command prints with --json when it fails, with a non-zero exit code (2: a usage error). Generated from electron/cli/schemas.ts by `npm run gen:cli-schemas`; do not edit.',
    ),
  );
  return files;
}

/** The files that differ from a fresh generation (missing, changed, or no longer generated). */
export function staleSchemaFiles(dir = SCHEMA_DIR): string[] {
  const fresh = renderCliSchemas();
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const stale = [...fresh].filter(([name, text]) => {
    const file = path.join(dir, name);
    return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
  });
  return [...stale.map(([name]) => name), ...present.filter((name) => !fresh.has(name))];
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const stale = staleSchemaFiles();
    if (stale.length) {
      console.error(
        `resources/schemas/cli is out of date (${stale.join(', ')}): run \`npm run gen:cli-schemas\`.`,
      );
      return 1;
    }
    console.log('resources/schemas/cli is up to date.');
    return 0;
  }
  fs.mkdirSync(SCHEMA_DIR, { recursive: true });
  const fresh = renderCliSchemas();
  for (const name of fs.readdirSync(SCHEMA_DIR)) {
    if (name.endsWith('.json') && !fresh.has(name)) fs.rmSync(path.join(SCHEMA_DIR, name));
  }
  for (const [name, text] of fresh) fs.writeFileSync(path.join(SCHEMA_DIR, name), text);
  console.log(`Wrote ${fresh.size} schemas to ${path.relative(REPO, SCHEMA_DIR)}.`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
