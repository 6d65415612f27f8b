/**
 * What each command prints with --json, in one place: a zod schema per command (the contract's own schemas where it
 * has them). `npm run gen:cli-schemas` writes them as JSON Schemas to resources/schemas/cli/<command>.schema.json;
 * the tests run the commands and validate what they print against those files. The CLI's JSON is camelCase, as the
 * contract is; the exceptions are data whose vocabulary is not ours: `parity` (the trainer's validation metrics,
 * as metadata.json's `validation_metrics` has them), package names, an ONNX file's own metadata and opset domains, and
 * prediction objects (the seed's `class`, `class_id`, `confidence`, `bbox`: what the endpoint answers too).
 */
import { z } from 'zod';
import {
  accuracyGateSchema,
  appErrorSchema,
  doctorReportSchema,
  environmentStatusSchema,
  exportJobSchema,
  modelAddedSchema,
  exportValidationSchema,
  modelRecordSchema,
  packageBuiltSchema,
  packageListedSchema,
  packageTargetSchema,
  previewModelSchema,
  remoteTargetSchema,
  versionReportSchema,
  type CapabilityMatrix,
  type Deployment,
  type PreviewResult,
} from '../contract';

/** Where the schema files say they live (their `$id`s); the files themselves are in resources/schemas/cli/. */
export const SCHEMA_BASE_URL = 'https://edgepack.dev/schemas/cli/';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

// ---- help --json: the command tree -------------------------------------------------------------------------------

const optionDescriptionSchema = z
  .object({
    flags: z.string().describe('As written in the help, e.g. `-f, --format <formats>`.'),
    long: z.string().nullable(),
    short: z.string().nullable(),
    description: z.string(),
    value: z.string().nullable().describe('The name of its value (`formats`), null for a switch.'),
    valueRequired: z
      .boolean()
      .describe('True when a value must follow it (false: a switch, or an optional value).'),
    mandatory: z.boolean().describe('The option must be given.'),
    negate: z.boolean().describe('A `--no-…` option.'),
    default: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).nullable(),
    choices: z.array(z.string()).nullable(),
  })
  .strict();
export type OptionDescription = z.infer<typeof optionDescriptionSchema>;

const argumentDescriptionSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    required: z.boolean(),
    variadic: z.boolean().describe('Takes one or more values (`<images...>`).'),
    choices: z.array(z.string()).nullable(),
  })
  .strict();
export type ArgumentDescription = z.infer<typeof argumentDescriptionSchema>;

export interface CommandDescription {
  name: string;
  /** The whole command line to type, e.g. `edgepack models list`. */
  command: string;
  description: string;
  usage: string;
  arguments: ArgumentDescription[];
  options: OptionDescription[];
  /** The `$id` of the JSON Schema its --json output follows (a group's is its list's); null for `edgepack` itself. */
  jsonSchema: string | null;
  commands: CommandDescription[];
}
export const commandDescriptionSchema: z.ZodType<CommandDescription> = z
  .object({
    name: z.string(),
    command: z.string().describe('The whole command line to type, e.g. `edgepack models list`.'),
    description: z.string(),
    usage: z.string(),
    arguments: z.array(argumentDescriptionSchema),
    options: z.array(optionDescriptionSchema),
    jsonSchema: z
      .string()
      .nullable()
      .describe(
        "The `$id` of the JSON Schema its --json output follows (a group's is its list's); null for `edgepack` itself.",
      ),
    get commands() {
      return z.array(commandDescriptionSchema);
    },
  })
  .strict()
  .meta({ id: 'CommandDescription' });

// ---- the contract's interfaces that have no zod schema, described here (checked against them below) -----------

const qualitySchema = z.enum(['excellent', 'good', 'fair']);
const capabilityMatrixSchema = z
  .object({
    framework: z.string(),
    formats: z.array(
      z
        .object({
          id: z.string(),
          label: z.string(),
          runtime: z.string(),
          environment: z.string(),
          converter: z
            .object({
              installed: z.boolean(),
              packages: z
                .record(z.string(), z.string().nullable())
                .describe('Package name → installed version (null: not installed).'),
            })
            .strict(),
          buildableHere: z.boolean(),
          deferred: z.boolean(),
          runnableHere: z.boolean(),
          reason: z.string().nullable(),
          precisions: z.array(z.enum(['fp32', 'fp16', 'int8'])),
          note: z.string(),
          tasks: z
            .record(
              z.string(),
              z.object({ supported: z.boolean(), quality: qualitySchema.nullable() }).strict(),
            )
            .describe('Task → whether the format exports it and how well.'),
          exportOptions: z
            .record(z.string(), z.unknown())
            .describe("Option name → its type, default and limits (the trainers' registry)."),
          optimizationOptions: z.record(z.string(), z.unknown()),
        })
        .strict(),
    ),
    toolchainReady: z.boolean(),
    probedAt: z.string(),
  })
  .strict();

const deploymentSchema = z
  .object({
    id: z.string(),
    exportId: z.string().nullable(),
    name: z.string(),
    platformUrl: z.string(),
    endpointUrl: z.string().nullable(),
    keyPrefix: z.string().nullable(),
    status: z.string(),
    tier: z.string().nullable(),
    rateLimitPerMinute: z.number().nullable(),
    usage: z
      .object({
        requestCount: z.number(),
        lastRequestAt: z.string().nullable(),
        totalInferenceTimeMs: z.number(),
        averageInferenceTimeMs: z.number().nullable(),
      })
      .strict(),
    curl: z.string().nullable(),
    error: z.string().nullable(),
    history: z.array(
      z
        .object({
          event: z.string(),
          statusBefore: z.string().nullable(),
          statusAfter: z.string().nullable(),
          at: z.string(),
        })
        .strict(),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();

/** Creation and key regeneration: the key, shown this once. */
const keyedDeploymentSchema = z
  .object({
    id: z.string(),
    endpointUrl: z.string().nullable(),
    apiKey: z.string().describe('The endpoint key: shown this once, never stored (only its prefix).'),
    apiKeyNotice: z.string(),
    curl: z.string().describe('The curl command with the key in it.'),
    deployment: deploymentSchema,
  })
  .strict();

/**
 * Prediction objects: the one vocabulary of the runtime (native-runtimes/typescript/predictions.ts), the same objects
 * `POST /v1/infer` answers. A detection (detect, segment, pose) or one of a classifier's top classes.
 */
const classPredictionSchema = z
  .object({
    class: z.string().describe('The class name.'),
    class_id: z.number().int(),
    confidence: z.number().describe('Rounded to 5 decimals.'),
  })
  .strict();
const detectionSchema = classPredictionSchema
  .extend({
    bbox: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .describe("[x1, y1, x2, y2] in the photo's pixels, to 0.01 px."),
    mask: z
      .object({
        x: z.number().int(),
        y: z.number().int(),
        width: z.number().int(),
        height: z.number().int(),
        runs: z.array(z.number().int()),
      })
      .strict()
      .nullable()
      .optional()
      .describe("Segment: run lengths (0s first) over a rectangle of the photo's pixels."),
    keypoints: z
      .array(z.tuple([z.number(), z.number(), z.number().nullable()]))
      .optional()
      .describe('Pose: [x, y, visibility] per keypoint.'),
  })
  .strict();
const predictionSchema = z.union([detectionSchema, classPredictionSchema]);
const imageSchema = z
  .object({ path: z.string(), name: z.string(), width: z.number(), height: z.number(), format: z.string() })
  .strict();
const timingsSchema = z
  .object({
    open: z.number(),
    load: z.number(),
    decode: z.number(),
    preprocess: z.number(),
    inference: z.number(),
    postprocess: z.number(),
    other: z.number(),
    total: z.number(),
  })
  .strict();
const previewResultSchema = z
  .object({
    model: z.string(),
    image: imageSchema,
    task: z.string(),
    predictions: z
      .array(predictionSchema)
      .describe('Detect, segment, pose: the objects found; classify: the top classes, most probable first.'),
    mapping: z
      .object({
        inputWidth: z.number(),
        inputHeight: z.number(),
        left: z.number(),
        top: z.number(),
        resizedWidth: z.number(),
        resizedHeight: z.number(),
      })
      .strict()
      .nullable(),
    timings: timingsSchema,
    reused: z.boolean(),
    firstRun: timingsSchema.nullable(),
    options: z
      .object({ conf: z.number(), iou: z.number(), maxDet: z.number(), agnostic: z.boolean() })
      .strict(),
    notices: z.array(z.object({ code: z.string(), message: z.string() }).strict()),
  })
  .strict();
const failedImageSchema = z
  .object({ image: z.object({ path: z.string(), name: z.string() }).strict(), error: appErrorSchema })
  .strict();

// ---- each command's --json answer ---------------------------------------------------------------------------------

/** The endpoints a removal deactivated or deleted on the platform before it ran. */
const settledEndpoints = z
  .array(z.object({ id: z.string(), name: z.string(), status: z.string() }).strict())
  .describe('Endpoints deactivated or deleted on the platform first (--endpoints).');

const exportJobWithMetadata = exportJobSchema.extend({
  metadataPath: z
    .string()
    .nullable()
    .describe('metadata.json beside the exported files (null when the job wrote none).'),
});

/** Command (as typed, without `edgepack`) → what it prints with --json on success, and a sentence about it. */
export const CLI_OUTPUTS = {
  version: {
    schema: versionReportSchema,
    about: "Edgepack's version, and the toolchain's package versions as recorded when it was made",
  },
  help: {
    schema: commandDescriptionSchema,
    about: 'the command (the whole tree without one): arguments, options, subcommands',
  },
  completion: {
    schema: z.object({ shell: z.enum(SHELLS), script: z.string() }).strict(),
    about: 'the completion script for the shell',
  },
  doctor: {
    schema: doctorReportSchema.extend({ environments: z.array(environmentStatusSchema).optional() }),
    about: 'the toolchain report; `environments` only with --with',
  },
  capabilities: {
    schema: capabilityMatrixSchema,
    about: 'per format: converter, tasks, precisions, what runs here',
  },
  'models add': {
    schema: modelAddedSchema,
    about: 'the stored model; `alreadyAdded` when the same file (by SHA-256) was there before',
  },
  'models list': { schema: z.array(modelRecordSchema), about: 'every model, newest first' },
  'models show': { schema: modelRecordSchema, about: 'the model' },
  'models remove': {
    schema: z.object({ removed: z.literal(true), id: z.string(), endpoints: settledEndpoints }).strict(),
    about: 'the removed model’s id, and the endpoints deactivated or deleted on the platform first',
  },
  export: {
    schema: exportJobWithMetadata.extend({
      model: z.object({ id: z.string(), name: z.string() }).strict(),
      copiedTo: z.array(z.string()).optional().describe('With --out: the files copied there.'),
      validation: exportValidationSchema.optional().describe('With --data: accuracy on that dataset.'),
    }),
    about: 'the finished job (exit 0 completed, 3 partial, 1 failed, 130 cancelled)',
  },
  'exports list': { schema: z.array(exportJobSchema), about: 'export jobs, newest first' },
  'exports show': {
    schema: exportJobWithMetadata.extend({
      accuracyGate: accuracyGateSchema.describe('The formats failed on accuracy in its latest validation.'),
      log: z.array(z.string()).optional(),
    }),
    about: 'the job and the formats failed on accuracy; `log` only with --log',
  },
  'exports log': { schema: z.array(z.string()), about: 'the job’s log lines' },
  'exports set-default': { schema: exportJobSchema, about: 'the job, now its model’s default' },
  'exports delete': {
    schema: z
      .object({
        deleted: z.literal(true),
        id: z.string(),
        defaultId: z.string().nullable(),
        endpoints: settledEndpoints,
      })
      .strict(),
    about:
      'the deleted job’s id, the model’s default export afterwards, and the endpoints deactivated or deleted first',
  },
  'exports cancel': { schema: exportJobSchema, about: 'the job' },
  predict: {
    schema: z
      .object({
        model: previewModelSchema,
        results: z
          .array(z.union([previewResultSchema, failedImageSchema]))
          .describe('One per image, in order: its predictions, or why it failed.'),
        saved: z.array(z.string()).optional().describe('With --save: the annotated images written.'),
        summary: z
          .object({
            images: z.number().int(),
            predicted: z.number().int(),
            failed: z.number().int(),
            cancelled: z.boolean(),
            elapsedMs: z.number(),
          })
          .strict(),
      })
      .strict(),
    about: 'the model, a result per image, a summary (exit 3 when some images failed)',
  },
  package: {
    schema: z.union([
      packageBuiltSchema,
      z
        .object({
          built: z.array(packageBuiltSchema),
          skipped: z
            .array(
              z
                .object({
                  target: packageTargetSchema,
                  code: z.string(),
                  message: z.string(),
                  hint: z.string(),
                })
                .strict(),
            )
            .describe('Targets this export cannot make (e.g. iOS without a CoreML export), with what to do.'),
        })
        .strict()
        .describe('--target all'),
    ]),
    about:
      'the package built: where, its size and sha256, the formats and runtime wrappers in it; with --target all, every package built and each target skipped with why',
  },
  'packages list': {
    schema: z.array(packageListedSchema),
    about: 'packages, newest first, each saying if its file is missing',
  },
  'packages delete': {
    schema: z.object({ deleted: z.literal(true), path: z.string() }).strict(),
    about: 'the file the package was',
  },
  validate: {
    schema: exportValidationSchema.extend({
      gate: accuracyGateSchema.describe(
        'The threshold applied to this export: the formats failed on accuracy.',
      ),
    }),
    about:
      'accuracy per model file (the checkpoint, each runnable format): exit 0, 130 cancelled (figures kept, partial), 3 a format failed, 4 a format failed on accuracy (over --max-drop)',
  },
  deploy: { schema: keyedDeploymentSchema, about: 'the deployment with its key (shown this once)' },
  'deployments list': { schema: z.array(deploymentSchema), about: 'deployments, newest first' },
  'deployments show': { schema: deploymentSchema, about: 'the deployment' },
  'deployments deactivate': { schema: deploymentSchema, about: 'the deployment' },
  'deployments reactivate': { schema: deploymentSchema, about: 'the deployment' },
  'deployments regenerate-key': { schema: keyedDeploymentSchema, about: 'the deployment with its new key' },
  'deployments delete': { schema: deploymentSchema, about: 'the deployment as it was removed' },
  'targets list': {
    schema: z.array(remoteTargetSchema),
    about: 'remote targets exports can run on, by name',
  },
  'targets add': {
    schema: remoteTargetSchema,
    about: 'the target as stored (its kubeconfig and context checked)',
  },
  'targets remove': {
    schema: z.object({ removed: z.literal(true), name: z.string() }).strict(),
    about: 'the name of the target forgotten',
  },
} as const;
export type CliCommandKey = keyof typeof CLI_OUTPUTS;

/** A group run without a subcommand (`edgepack models --json`) lists, as its `list` does. */
export const GROUP_DEFAULTS: Record<string, CliCommandKey> = {
  models: 'models list',
  exports: 'exports list',
  deployments: 'deployments list',
  packages: 'packages list',
  targets: 'targets list',
};

/** Every failure, with any command: `{"error": {code, message, hint}}` and a non-zero exit code. */
export const errorOutputSchema = z.object({ error: appErrorSchema }).strict();

export function schemaFileName(key: CliCommandKey | 'error'): string {
  return `${key.replace(/ /g, '-')}.schema.json`;
}

export function schemaId(key: CliCommandKey | 'error'): string {
  return `${SCHEMA_BASE_URL}${schemaFileName(key)}`;
}

/** The command key of a command path (`['models', 'list']`), following a group to its default and `… help` to help. */
export function outputKeyOf(path: readonly string[]): CliCommandKey | null {
  if (path.includes('help')) return 'help';
  const key = path.join(' ');
  if (key in CLI_OUTPUTS) return key as CliCommandKey;
  return GROUP_DEFAULTS[key] ?? null;
}

// ---- the interfaces above, checked against the contract's types: a drift fails the typecheck --------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _Checks = [
  Assert<Same<z.infer<typeof capabilityMatrixSchema>, CapabilityMatrix>>,
  Assert<Same<z.infer<typeof deploymentSchema>, Deployment>>,
  Assert<Same<z.infer<typeof previewResultSchema>, PreviewResult>>,
];
