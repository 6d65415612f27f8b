import { Option, type Command } from 'commander';
import {
  NEEDS_FORMAT_CODES,
  packageTargetSchema,
  type ExportJob,
  type OverrideVia,
  type PackageBuilt,
  type PackageTarget,
} from '../../contract';
import { AppError, formatBytes, type LocalCore } from '../../core';
import { OVERRIDE_HELP } from '../accuracy-gate';
import { checkOutputFolder, findExport, withCore, type CommandContext } from '../context';
import { ProgressView } from '../progress';

type TargetChoice = PackageTarget | 'all';

interface PackageOptions {
  target: TargetChoice;
  out?: string;
  overrideAccuracy?: boolean;
}

/** What `--target all` answers: every package the export could make, and each target it could not, with why. */
export interface PackagedAll {
  built: PackageBuilt[];
  skipped: { target: PackageTarget; code: string; message: string; hint: string }[];
}

export function registerPackage(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('package <export-id>')
    .description(
      'package a completed export: bundle = one zip with the model files, metadata.json, the runtime wrappers that run them, a README and manifest.json; ios = a Swift package with the CoreML model and a SwiftUI example app; android = a Gradle project with the Kotlin library and an example app with the TFLite model; docker = a Triton model repository, the HTTP server answering POST /v1/infer, Dockerfiles and docker-compose.yml; all = every target the export can make',
    )
    .addOption(
      new Option('--target <target>', 'what to build')
        .choices([...packageTargetSchema.options, 'all'])
        .default('bundle'),
    )
    .option('--out <dir>', "write it here (made when missing; default: Edgepack's data folder)")
    .option('--override-accuracy', OVERRIDE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: PackageOptions) => {
      const { out } = ctx();
      done(await withCore((core) => runPackage(core, id, opts, out)));
    });
}

function buildOne(
  core: LocalCore,
  job: ExportJob,
  target: PackageTarget,
  outDir?: string,
  override?: OverrideVia,
) {
  return outDir
    ? core.local.buildPackage(job.id, target, outDir, override)
    : core.handle('packages:create', {
        exportId: job.id,
        target,
        ...(override ? { overrideAccuracy: override } : {}),
      });
}

async function buildAll(
  core: LocalCore,
  job: ExportJob,
  outDir?: string,
  override?: OverrideVia,
): Promise<PackagedAll> {
  const targets = await core.handle('packages:targets', {});
  const settled = await Promise.allSettled(
    targets.map((t) => buildOne(core, job, t.target, outDir, override)),
  );
  const result: PackagedAll = { built: [], skipped: [] };
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') return void result.built.push(s.value);
    // Only a target this export cannot make is skipped; anything else (a full disk…) fails the command.
    if (!(s.reason instanceof AppError) || !NEEDS_FORMAT_CODES.includes(s.reason.code)) throw s.reason;
    const { code, message, hint } = s.reason;
    result.skipped.push({ target: targets[i]!.target, code, message, hint });
  });
  if (result.built.length === 0) {
    throw new AppError(
      'PACKAGE_NOTHING_BUILT',
      `Export v${job.version} (${job.id}) can make none of the package targets.`,
      result.skipped.map((s) => s.hint).join(' '),
    );
  }
  return result;
}

function builtLines(built: PackageBuilt): string[] {
  return [
    `Built the ${built.target} package:`,
    `  file       ${built.path}`,
    `  size       ${formatBytes(built.sizeBytes)}   sha256 ${built.sha256}`,
    `  formats    ${built.formats.join(', ')}`,
    `  runtimes   ${built.runtimes.join(', ')}`,
    `  entries    ${built.entries} (manifest.json lists each file's size and sha256)`,
  ];
}

async function runPackage(
  core: LocalCore,
  id: string,
  opts: PackageOptions,
  out: CommandContext['out'],
): Promise<number> {
  const outDir = opts.out ? checkOutputFolder(opts.out, '--out') : undefined;
  const job = await findExport(core, id);
  const view = new ProgressView();
  const off = core.on('packages:progress', (p) => {
    if (p.exportId === job.id) view.update(`${p.target} ${p.stage}`, p.fraction);
  });
  const override: OverrideVia | undefined = opts.overrideAccuracy ? 'cli' : undefined;
  let result: PackageBuilt | PackagedAll;
  try {
    result =
      opts.target === 'all'
        ? await buildAll(core, job, outDir, override)
        : await buildOne(core, job, opts.target, outDir, override);
  } finally {
    off();
    view.done();
  }
  out.result(result, () => {
    const header = `Export v${job.version} (${job.id}):`;
    if (!('built' in result)) return [header, ...builtLines(result)].join('\n');
    return [
      header,
      ...result.built.flatMap(builtLines),
      ...result.skipped.map((s) => `Not built: ${s.target}: ${s.message}\n  ${s.hint}`),
    ].join('\n');
  });
  return 0;
}
