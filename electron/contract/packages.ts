import { z } from 'zod';
import { overrideViaSchema } from './validation';

/**
 * What `packages:create` builds from an export, each a zip: `bundle` (the model files, metadata.json, the runtime
 * wrappers that run its formats, this model's conformance vectors, a README and manifest.json), `ios` (a Swift
 * package with the CoreML model and a SwiftUI example app), `android` (a Gradle project: the Kotlin library module,
 * an example app with the TFLite model in its assets), `docker` (a Triton model repository of its ONNX model, the
 * HTTP server answering `POST /v1/infer` (the Python wrapper around Triton), their Dockerfiles, docker-compose.yml, a
 * README and manifest.json).
 */
export const packageTargetSchema = z.enum(['bundle', 'ios', 'android', 'docker']);
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

/** A package as listed: its record, and whether its file is gone from where it was written (moved or deleted). */
export const packageListedSchema = packageRecordSchema
  .extend({ missing: z.boolean().describe('The file is no longer at `path`; build the package again.') })
  .strict();
export type PackageListed = z.infer<typeof packageListedSchema>;

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
  .object({
    exportId: z.string().min(1),
    target: packageTargetSchema.default('bundle'),
    overrideAccuracy: overrideViaSchema.optional(),
  })
  .strict();
export const packagesListRequest = z.object({ exportId: z.string().min(1) }).strict();
export const packagesTargetsRequest = z.object({}).strict();
export const packagesListAllRequest = z.object({}).strict();
export const packageIdRequest = z.object({ id: z.string().min(1) }).strict();

/** The refusals that mean "this export lacks the target's format": `--target all` skips it, the app offers the export. */
export const NEEDS_FORMAT_CODES: readonly string[] = ['PACKAGE_NEEDS_FORMAT', 'PACKAGE_NEEDS_ONNX'];

/** What each target holds and needs, for the export's "Packages" cards and `edgepack package --help`. */
export const packageTargetInfoSchema = z
  .object({
    target: packageTargetSchema,
    title: z.string(),
    contains: z.string(),
    needs: z.string(),
    requiredFormat: z.string().nullable().describe('The export format the target is built from, if one.'),
  })
  .strict();
export type PackageTargetInfo = z.infer<typeof packageTargetInfoSchema>;

/** Progress of a package being built, by bytes written into the zip. */
export interface PackageProgress {
  exportId: string;
  target: PackageTarget;
  stage: 'collecting' | 'writing' | 'done';
  fraction: number;
}
