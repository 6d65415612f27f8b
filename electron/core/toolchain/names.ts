import { z } from 'zod';

/**
 * The one boundary between Python's names and TypeScript's (README, "Names across Python and TypeScript"): what the
 * toolchain reads and writes — its options (EXPORT_CONFIG, OPTIMIZATION_CONFIG), its JSON-lines results, the
 * registry it lists, metadata.json — is snake_case; TypeScript is camelCase. Records cross here, renamed by these
 * functions inside the zod schemas that read them, never field by field.
 */

/** `latency_ms` → `latencyMs`. */
export function camelName(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `calibDir` → `calib_dir`. */
export function snakeName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Members whose own keys are not names but data or a vocabulary of their own, kept as they are on both sides: the
 * trainer's parity figures (`max_abs`, `box_match`…, as metadata.json's `validation_metrics` has them), package
 * names, an ONNX file's metadata properties and opset domains.
 */
export const OWN_VOCABULARY: ReadonlySet<string> = new Set(['parity', 'packages', 'metadata', 'opsets']);

/** `value` with every object key renamed, recursively, except inside the members of OWN_VOCABULARY. */
export function renameKeys(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      rename(key),
      OWN_VOCABULARY.has(key) ? member : renameKeys(member, rename),
    ]),
  );
}

/** A schema reading what Python wrote (snake_case) as `schema`, which names it as TypeScript does (camelCase). */
export function fromPython<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .transform((value) => renameKeys(value, camelName))
    .pipe(schema);
}

/** An object of TypeScript's (camelCase) as Python names it (snake_case): the options a trainer is given. */
export function toPython(value: unknown): unknown {
  return renameKeys(value, snakeName);
}
