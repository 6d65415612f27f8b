import { z } from 'zod';

export const packageStatusSchema = z.object({
  name: z.string(),
  required: z.string(),
  installed: z.string().nullable(),
  ok: z.boolean(),
});

/** Edgepack itself: its version (package.json) and the Node.js and OS it runs on. */
export const edgepackVersionSchema = z.object({
  version: z.string(),
  node: z.string(),
  platform: z.string().describe('`<os>-<arch>`, e.g. linux-x64.'),
});

export const doctorReportSchema = z.object({
  edgepack: edgepackVersionSchema,
  ok: z.boolean(),
  python: z.object({ path: z.string().nullable(), version: z.string().nullable(), ok: z.boolean() }),
  environment: z.object({
    framework: z.string(),
    path: z.string(),
    requirementsHash: z.string(),
    exists: z.boolean(),
    healthy: z.boolean(),
  }),
  packages: z.array(packageStatusSchema),
  problems: z.array(z.object({ message: z.string(), fix: z.string() })),
  /** Where a trusted-but-unsafe checkpoint loads: inside a sandbox (bubblewrap on Linux) or not. */
  sandbox: z.object({
    available: z.boolean(),
    tool: z.string().nullable(),
    version: z.string().nullable(),
    reason: z.string().nullable(),
  }),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

export const toolchainProgressSchema = z.object({
  framework: z.string(),
  stage: z.enum(['venv', 'install', 'verify', 'ready', 'failed']),
  fraction: z.number(),
  line: z.string().optional(),
});
export type ToolchainProgress = z.infer<typeof toolchainProgressSchema>;

/** A converter environment made on first use (e.g. `tflite`: its own torch), beside the main one. */
export const environmentStatusSchema = z.object({
  framework: z.string(),
  path: z.string(),
  ready: z.boolean(),
});
export type EnvironmentStatus = z.infer<typeof environmentStatusSchema>;

/**
 * toolchain:doctor checks, toolchain:ensure makes (then checks): `dev` adds the development tools (pytest, ruff,
 * jsonschema); `environments` names converter environments made on first use (`tflite`) to check or make as well.
 */
export const toolchainRequest = z
  .object({
    dev: z.boolean().optional(),
    environments: z
      .array(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'an environment name such as tflite'))
      .max(8)
      .optional(),
  })
  .strict();

/** Their answer: the report (`ok` is the main environment's), plus `environments` only when some were named. */
export type ToolchainReport = DoctorReport & { environments?: EnvironmentStatus[] };

/**
 * `edgepack version`: Edgepack's version, and the main toolchain environment's package versions as recorded when it
 * was made and verified (`doctor` checks them for real). `packages` is empty and `python` null when it is not ready.
 */
export const versionReportSchema = z.object({
  edgepack: edgepackVersionSchema,
  toolchain: z.object({
    framework: z.string(),
    path: z.string(),
    ready: z.boolean(),
    python: z.string().nullable(),
    packages: z
      .record(z.string(), z.string())
      .describe('Package name → installed version, as recorded when the environment was made and verified.'),
  }),
});
export type VersionReport = z.infer<typeof versionReportSchema>;

/**
 * toolchain:status: the last toolchain report at once (the app's start-up does not wait for a full check, which
 * imports torch and takes seconds), while a fresh check runs in the background and arrives as `toolchain:checked`.
 */
export interface ToolchainStatus {
  /** The last report for this same environment (path and pinned requirements); null before the first check. */
  report: DoctorReport | null;
  probedAt: string | null;
  /** A fresh check is running; its report follows as the `toolchain:checked` event. */
  refreshing: boolean;
}
