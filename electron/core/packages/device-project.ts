/**
 * What goes into a device package (iOS, Android): a project a person opens in Xcode or Android Studio, made of the
 * runtime wrapper's shipped files, the target's template folder (native-runtimes/<runtime>/<template>/: the example
 * app and the project files), the export's model in the one format the device runs, and its metadata.json. The
 * README.md of the template is filled in with the export's facts. Every problem is found before a byte is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExportFormat, PackageTarget } from '../../contract';
import { AppError } from '../errors';
import {
  assertPackageable,
  entriesOf,
  modelResults,
  readMetadata,
  sortedEntries,
  type BundlePlan,
  type BundleSources,
  type BundleSubject,
} from './bundle-contents';
import type { ZipEntry } from './zip-writer';

export interface DeviceProjectSpec {
  target: PackageTarget;
  /** The one export format the device runs. */
  format: ExportFormat;
  formatTitle: string;
  /** The runtime wrapper (native-runtimes/<runtime>/ship.json) the project is built on. */
  runtime: string;
  /** The template folder, relative to the runtime's folder. */
  template: string;
  /** Where a file the runtime ships goes in the project, or null to leave it out (the template has its own). */
  placeRuntimeFile: (file: string) => string | null;
  /** The folder in the project that holds the model and metadata.json. */
  assetsDir: string;
}

/** The refusal when the export lacks the device's format: it names the export that would make the package. */
export function missingFormat(subject: BundleSubject, spec: DeviceProjectSpec, has: string[]): AppError {
  const { job } = subject;
  return new AppError(
    'PACKAGE_NEEDS_FORMAT',
    `The ${spec.target} package is built from a ${spec.formatTitle} model, and export v${job.version} (${job.id}) has ${has.join(', ') || 'no model files'}. Nothing was built.`,
    `Make a ${spec.formatTitle} export of the same model, then package that one: \`edgepack export ${job.modelId} --format ${spec.format}\`, then \`edgepack package <its id> --target ${spec.target}\` (the app offers both in one click).`,
  );
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function fillReadme(template: string, facts: Record<string, string>): Buffer {
  const text = template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    if (!(key in facts)) throw new Error(`README template: no value for ${whole}`);
    return facts[key]!;
  });
  return Buffer.from(text);
}

export async function planDeviceProject(
  subject: BundleSubject,
  sources: BundleSources,
  spec: DeviceProjectSpec,
): Promise<BundlePlan> {
  const { job } = subject;
  assertPackageable(job);
  const results = modelResults(job);
  const model = results.find((r) => r.format === spec.format);
  if (!model)
    throw missingFormat(
      subject,
      spec,
      results.map((r) => r.format),
    );
  const metadata = readMetadata(subject);
  const runtime = sources.runtimes.find((r) => r.runtime === spec.runtime);
  if (!runtime) {
    throw new AppError(
      'RUNTIME_TEMPLATES_MISSING',
      `The ${spec.runtime} runtime wrapper (native-runtimes/${spec.runtime}/ship.json), which the ${spec.target} package is built on, is missing.`,
      'Reinstall Edgepack (the runtime wrappers ship with the app), or run it from a full clone of the repository.',
    );
  }
  const templateDir = path.join(runtime.dir, spec.template);
  const modelName = path.basename(model.path);
  const entries: ZipEntry[] = [];
  for (const file of runtime.files) {
    const place = spec.placeRuntimeFile(file);
    if (place) entries.push(...entriesOf(path.join(runtime.dir, file), place));
  }
  for (const file of filesUnder(templateDir)) {
    if (file === 'README.md') continue;
    entries.push(...entriesOf(path.join(templateDir, file), file));
  }
  entries.push(...entriesOf(model.path, `${spec.assetsDir}/${modelName}`));
  entries.push(...entriesOf(subject.metadataPath!, `${spec.assetsDir}/metadata.json`));
  const readme = fillReadme(fs.readFileSync(path.join(templateDir, 'README.md'), 'utf8'), {
    model: subject.modelName,
    version: String(job.version),
    exportId: job.id,
    task: metadata.task,
    modelFile: `${spec.assetsDir}/${modelName}`,
    metadataFile: `${spec.assetsDir}/metadata.json`,
  });
  entries.push({ name: 'README.md', source: { data: readme }, size: readme.length });
  return {
    entries: sortedEntries(entries, `${spec.target} package`),
    formats: [spec.format],
    runtimes: [runtime],
    metadata,
  };
}
