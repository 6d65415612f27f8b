/** The README.md at the root of a bundle zip: what is inside, how to run each runtime, how to check a device. */
import path from 'node:path';
import type { ExportJob, FormatResult } from '../../contract';
import type { ShippedRuntime } from './ship';

export interface ReadmeFacts {
  job: ExportJob;
  modelName: string;
  task: string;
  formats: string[];
  runtimes: ShippedRuntime[];
  modelFiles: (FormatResult & { path: string })[];
  /** Whether conformance/ holds the model's vectors (ONNX exports). */
  vectors: boolean;
}

const CONFORMANCE = [
  '## Checking a device against the app',
  '',
  "`conformance/` holds this model's own test vectors, made by the reference runtime that the Edgepack app, `edgepack predict` and the endpoint run: for each photo in `conformance/images/`, `conformance/cases/<case>/case.json` gives the pixels as OpenCV decodes them (`decoded.png`, lossless), where the letterbox (a classifier: the centre crop) puts the photo, the SHA-256 of the input tensor, the model's raw outputs (`<output>.bin`, little-endian float) and the predictions at the thresholds in `options` (metadata.json's; a photo that gives nothing at those is made at conf 0.01, max_det 20 instead, so the decoder and NMS are exercised). `conformance/README.md` describes every field.",
  '',
  'On the device, with the wrapper you ship:',
  '',
  "1. Pre-processing: from `decoded.png` (or the photo, where the device decodes JPEG as OpenCV does), the placement must equal `preprocess` and the input tensor's SHA-256 must equal `input.sha256`.",
  '2. Post-processing: from the `.bin` raw outputs, the predictions must equal `predictions` (class, confidence to 5 decimals, bbox to 0.01 px).',
  '3. End to end: running the model on the photo must give the same predictions (the raw outputs may differ in the last bits between inference engines).',
].join('\n');

function runtimeSection(r: ShippedRuntime, formats: string[]): string {
  const runs = r.formats.filter((f) => formats.includes(f));
  const readme = r.files.find((f) => f.toLowerCase() === 'readme.md');
  return [
    `### ${r.runtime}`,
    '',
    r.summary,
    '',
    `Runs this bundle's ${runs.join(', ')} model${runs.length > 1 ? 's' : ''}. Files: ${r.files.map((f) => `\`runtimes/${r.runtime}/${f}\``).join(', ')}.`,
    `It finds \`metadata.json\` and the model at the bundle's root (\`../..\` from \`runtimes/${r.runtime}/\`) unless you give other paths.`,
    readme
      ? `How to build and run it: \`runtimes/${r.runtime}/${readme}\`.`
      : `Start from its example in \`runtimes/${r.runtime}/\`.`,
  ].join('\n');
}

function noVectors(job: ExportJob): string {
  return [
    '## Checking a device against the app',
    '',
    `This export has no ONNX model, which a bundle's conformance vectors are made from (the reference runtime runs ONNX). For a bundle with them, export ONNX too, e.g. \`edgepack export ${job.modelId} --format onnx,${job.formats.join(',')}\`, and package that export.`,
  ].join('\n');
}

export function bundleReadme(facts: ReadmeFacts): string {
  const { job, modelName, task, formats, runtimes, modelFiles, vectors } = facts;
  return `${[
    `# ${modelName} v${job.version}: Edgepack bundle`,
    '',
    `A ${task} model exported by Edgepack (export \`${job.id}\`${job.versionTag ? `, tag \`${job.versionTag}\`` : ''}), with the runtime wrappers that run it on a device and give the same predictions as the app, \`edgepack predict\` and the endpoint.`,
    '',
    '## Inside',
    '',
    '| path | what |',
    '| --- | --- |',
    ...modelFiles.map((r) => `| \`${path.basename(r.path)}\` | the ${r.format} model |`),
    "| `metadata.json` | every constant a wrapper needs: input size, letterbox, normalisation, class names, output layout, NMS defaults (the format is Edgepack's `metadata.schema.json`) |",
    ...runtimes.map((r) => `| \`runtimes/${r.runtime}/\` | ${r.summary} |`),
    ...(vectors
      ? ["| `conformance/` | this model's test vectors: photos, raw outputs, the app's predictions |"]
      : []),
    "| `manifest.json` | every other file's size and SHA-256, the metadata schema version, the Edgepack version, the export id and formats |",
    '',
    '## Runtimes',
    '',
    runtimes.map((r) => runtimeSection(r, formats)).join('\n\n'),
    '',
    vectors ? CONFORMANCE : noVectors(job),
    '',
    '## Checking the files',
    '',
    "Each file's SHA-256 is in `manifest.json`; e.g. `sha256sum metadata.json` must print the `sha256` listed for it.",
  ].join('\n')}\n`;
}
