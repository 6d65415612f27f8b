import { z } from 'zod';

export const packageStatusSchema = z.object({
  name: z.string(),
  required: z.string(),
  installed: z.string().nullable(),
  ok: z.boolean(),
});

export const doctorReportSchema = z.object({
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
