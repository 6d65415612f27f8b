import { z } from 'zod';

/**
 * What `packages:create` builds from an export. `bundle`: one zip with the model files, metadata.json, the runtime
 * wrappers that run its formats, this model's conformance vectors, a README and manifest.json. `docker`: a Triton
 * model repository of its ONNX model, the HTTP server answering `POST /v1/infer` (the Python wrapper around Triton),
 * their Dockerfiles, docker-compose.yml, a README and manifest.json.
 */
export const packageTargetSchema = z.enum(['bundle', 'docker']);
export type PackageTarget = z.infer<typeof packageTargetSchema>;

/** A package built from an export, as the `packages` table records it. */
export const packageRecordSchema = z
  .object({
    id: z.string(),
    exportId: z.string(),
    target: packageTargetSchema,
    path: z.string().describe('The zip, where it was written.'),
    sizeBytes: z.number().int(),
    sha256: z.string().describe("Of the zip's bytes."),
    createdAt: z.string(),
  })
  .strict();
export type PackageRecord = z.infer<typeof packageRecordSchema>;

/** What building a package answers: its record and what went into it. */
export const packageBuiltSchema = packageRecordSchema
  .extend({
    formats: z.array(z.string()).describe("The export's formats whose model files are in the package."),
    runtimes: z.array(z.string()).describe('The runtime wrappers in it (runtimes/<runtime>/).'),
    entries: z.number().int().describe('Files in the zip, manifest.json included.'),
  })
  .strict();
export type PackageBuilt = z.infer<typeof packageBuiltSchema>;

/** Built into the data folder (`<home>/packages/`); only a local host (the CLI's --out) writes elsewhere. */
export const packagesCreateRequest = z
  .object({ exportId: z.string().min(1), target: packageTargetSchema.default('bundle') })
  .strict();
export const packagesListRequest = z.object({ exportId: z.string().min(1) }).strict();
export const packageIdRequest = z.object({ id: z.string().min(1) }).strict();

/** Progress of a package being built, by bytes written into the zip. */
export interface PackageProgress {
  exportId: string;
  target: PackageTarget;
  stage: 'collecting' | 'writing' | 'done';
  fraction: number;
}
