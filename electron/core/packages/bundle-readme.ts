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
}

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

export function bundleReadme(facts: ReadmeFacts): string {
  const { job, modelName, task, formats, runtimes, modelFiles } = facts;
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
    "| `manifest.json` | every other file's size and SHA-256, the metadata schema version, the Edgepack version, the export id and formats |",
    '',
    '## Runtimes',
    '',
    runtimes.map((r) => runtimeSection(r, formats)).join('\n\n'),
    '',
    '## Checking the files',
    '',
    "Each file's SHA-256 is in `manifest.json`; e.g. `sha256sum metadata.json` must print the `sha256` listed for it.",
  ].join('\n')}\n`;
}
