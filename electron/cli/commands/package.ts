import { Option, type Command } from 'commander';
import { packageTargetSchema, type PackageBuilt, type PackageTarget } from '../../contract';
import { formatBytes, type LocalCore } from '../../core';
import { checkOutputFolder, findExport, withCore, type CommandContext } from '../context';
import { ProgressView } from '../progress';

interface PackageOptions {
  target: PackageTarget;
  out?: string;
}

export function registerPackage(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('package <export-id>')
    .description(
      'package a completed export: bundle = one zip with the model files, metadata.json, the runtime wrappers that run them, a README and manifest.json; docker = a Triton model repository, the HTTP server answering POST /v1/infer, Dockerfiles and docker-compose.yml',
    )
    .addOption(
      new Option('--target <target>', 'what to build').choices(packageTargetSchema.options).default('bundle'),
    )
    .option('--out <dir>', "write it here (made when missing; default: Edgepack's data folder)")
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: PackageOptions) => {
      const { out } = ctx();
      done(await withCore((core) => runPackage(core, id, opts, out)));
    });
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
    if (p.exportId === job.id) view.update(p.stage, p.fraction);
  });
  let built: PackageBuilt;
  try {
    built = outDir
      ? await core.local.buildPackage(job.id, opts.target, outDir)
      : await core.handle('packages:create', { exportId: job.id, target: opts.target });
  } finally {
    off();
    view.done();
  }
  out.result(built, () =>
    [
      `Built the ${built.target} of export v${job.version} (${job.id}):`,
      `  file       ${built.path}`,
      `  size       ${formatBytes(built.sizeBytes)}   sha256 ${built.sha256}`,
      `  formats    ${built.formats.join(', ')}`,
      `  runtimes   ${built.runtimes.join(', ')}`,
      `  entries    ${built.entries} (manifest.json lists each file's size and sha256)`,
    ].join('\n'),
  );
  return 0;
}
