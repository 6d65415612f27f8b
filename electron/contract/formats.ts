/**
 * The export formats as the trainers' registry describes them (generated into ./generated/formats.ts), and the few
 * rules the app applies from that table: which first-use environments a job needs, each format's option limits, and
 * the image-size policy (the same sentence the trainer logs).
 */
import { z } from 'zod';
import { ENVIRONMENTS, FORMAT_IDS, FORMATS, IMGSZ_POLICY, type OptionSpec } from './generated/formats';

export { ENVIRONMENTS, FORMAT_IDS, FORMATS, IMGSZ_POLICY, type OptionSpec };

export const exportFormatSchema = z.enum(FORMAT_IDS);
export type ExportFormat = z.infer<typeof exportFormatSchema>;
export type EnvironmentName = keyof typeof ENVIRONMENTS;

/** The environment the trainer runs in (every format's converter unless the format names another). */
export const MAIN_ENVIRONMENT = (Object.keys(ENVIRONMENTS) as EnvironmentName[]).find(
  (name) => ENVIRONMENTS[name].main,
)!;

/** The environment a format converts in; a format the table does not know, the main one. */
export function environmentOf(format: string): EnvironmentName {
  return FORMATS[format as ExportFormat]?.environment ?? MAIN_ENVIRONMENT;
}

/**
 * The environments made on first use that a job's formats convert in (TFLite's), each with the variable that passes
 * its interpreter to the trainer.
 */
export function firstUseEnvironments(
  formats: readonly string[],
): Array<{ name: EnvironmentName; pythonVariable: string }> {
  const names = [...new Set(formats.map(environmentOf))].filter((name) => !ENVIRONMENTS[name].main);
  return names.map((name) => ({ name, pythonVariable: ENVIRONMENTS[name].pythonVariable! }));
}

/** What is wrong with a value for one format's option (its own limits), or null when nothing is. */
export function optionProblem(key: string, spec: OptionSpec, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (spec.choices && !spec.choices.includes(value as string | number))
    return `${key} must be one of ${spec.choices.join(', ')}`;
  if (spec.type !== 'integer' || typeof value !== 'number') return null;
  const { minimum: min, maximum: max } = spec;
  if ((min !== undefined && value < min) || (max !== undefined && value > max) || !Number.isInteger(value)) {
    const range =
      min !== undefined && max !== undefined
        ? `from ${min} to ${max}`
        : min !== undefined
          ? `of at least ${min}`
          : `of at most ${max}`;
    return `${key} must be a whole number ${range}`;
  }
  return null;
}

/** Each chosen format's own limits for the options it takes (a job's options are shared by its formats). */
export function formatOptionProblems(
  formats: readonly string[],
  exportConfig: Record<string, unknown>,
  optimizationConfig: Record<string, unknown>,
): Array<{ path: ['exportConfig' | 'optimizationConfig', string]; message: string }> {
  const problems: Array<{ path: ['exportConfig' | 'optimizationConfig', string]; message: string }> = [];
  for (const format of formats) {
    const spec = FORMATS[format as ExportFormat];
    if (!spec) continue;
    const groups = [
      ['exportConfig', exportConfig, spec.exportOptions],
      ['optimizationConfig', optimizationConfig, spec.optimizationOptions],
    ] as const;
    for (const [where, config, options] of groups) {
      for (const [key, value] of Object.entries(config)) {
        const option = (options as Record<string, OptionSpec>)[key];
        const problem = option ? optionProblem(key, option, value) : null;
        if (problem) problems.push({ path: [where, key], message: `${problem} for ${spec.label}` });
      }
    }
  }
  return problems;
}

/** The stride a model's card gives (Ultralytics' largest stride), else the one assumed for a model that does not. */
export function modelStride(details: Record<string, unknown> | null | undefined): number {
  const stride = details?.['stride'];
  return typeof stride === 'number' && Number.isInteger(stride) && stride > 0
    ? stride
    : IMGSZ_POLICY.defaultStride;
}

/** Why an image size cannot be used at all (not a whole number, out of range), or null. */
export function imgszProblem(requested: number): string | null {
  const { minimum, maximum } = IMGSZ_POLICY;
  if (!Number.isInteger(requested) || requested < minimum || requested > maximum)
    return `imgsz must be a whole number from ${minimum} to ${maximum}`;
  return null;
}

/**
 * The size exported for a requested one: rounded up to a multiple of the model's stride, with the trainer's own
 * warning when it was (the wizard and the CLI say it before the job starts; the trainer logs it again).
 */
export function imgszRounding(
  requested: number,
  stride: number = IMGSZ_POLICY.defaultStride,
): { size: number; warning: string | null } {
  const size = Math.ceil(requested / stride) * stride;
  if (size === requested) return { size, warning: null };
  const warning = IMGSZ_POLICY.warning
    .replace('{requested}', String(requested))
    .replace('{stride}', String(stride))
    .replace('{rounded}', String(size));
  return { size, warning };
}
