/**
 * `edgepack` — the command line over the same core as the app: doctor, models, export, exports, predict, package,
 * deploy, targets.
 * Every command takes --json (one JSON document on stdout, its shape in resources/schemas/cli/; errors as
 * {"error":{code,message,hint}}, non-zero exit).
 */
import { Command, CommanderError } from 'commander';
import { EDGEPACK_VERSION, toAppError } from '../core';
import { registerCapabilities } from './commands/capabilities';
import { registerDeploy } from './commands/deploy';
import { registerDoctor } from './commands/doctor';
import { registerExport } from './commands/export';
import { registerExports } from './commands/exports';
import { registerCompletion, registerHelp, registerVersion } from './commands/meta';
import { registerModels } from './commands/models';
import { registerPackage } from './commands/package';
import { registerPackages } from './commands/packages';
import { registerPredict } from './commands/predict';
import { registerTargets } from './commands/targets';
import { registerValidate } from './commands/validate';
import { findCommand } from './describe';
import { Output } from './output';

/** Every command, as `edgepack help --json` and the completion scripts see them. */
export function buildProgram(out: Output, done: (code: number) => void = () => undefined): Command {
  const ctx = () => ({ out });
  const program = new Command('edgepack')
    .description(
      'Edgepack: YOLO checkpoints to checked edge-model exports. Data folder: EDGEPACK_HOME or the OS app-data folder.',
    )
    .version(EDGEPACK_VERSION, '-V, --version', "print Edgepack's version")
    .option('--json', 'every command takes it: print one JSON document (the shapes: resources/schemas/cli/)')
    .helpCommand(false) // `help` is a command of its own below, which takes --json
    .showHelpAfterError(!out.json)
    .exitOverride()
    .configureOutput({ writeErr: (text) => (out.json ? undefined : process.stderr.write(text)) });
  registerDoctor(program, ctx, done);
  registerModels(program, ctx, done);
  registerExport(program, ctx, done);
  registerExports(program, ctx, done);
  registerPredict(program, ctx, done);
  registerPackage(program, ctx, done);
  registerPackages(program, ctx, done);
  registerValidate(program, ctx, done);
  registerCapabilities(program, ctx, done);
  registerDeploy(program, ctx, done);
  registerTargets(program, ctx, done);
  registerVersion(program, ctx, done);
  registerCompletion(program, ctx, done);
  registerHelp(program, ctx, done);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const out = new Output(argv.includes('--json'));
  let exitCode = 0;
  const program = buildProgram(out, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync(out.json ? jsonArguments(program, argv) : argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version'].includes(error.code)) return 0;
      // commander.help exits 0 when help was asked for, 1 for `edgepack` alone (its help went to stderr, not with --json).
      if (error.code === 'commander.help' && error.exitCode === 0) return 0;
      if (!out.json) return 2; // commander has already said what is wrong, with the usage
      out.error({
        code: 'USAGE',
        message:
          error.code === 'commander.help'
            ? 'No command given.'
            : error.message.replace(/^error:\s*/i, '').replace(/\n+/g, ' '),
        hint: 'Run `npx edgepack help` (or `npx edgepack help <command>`); with --json, it prints the commands as JSON.',
      });
      return 2;
    }
    out.error(toAppError(error));
    return 1;
  }
}

/**
 * With --json, `--help` and `--version` answer in JSON too: `edgepack models list --help --json` is
 * `edgepack help models list --json`, and `edgepack --version --json` is `edgepack version --json`.
 */
export function jsonArguments(program: Command, argv: string[]): string[] {
  const path: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    if (!findCommand(program, [...path, word])) break;
    path.push(word);
  }
  if (argv.includes('--help') || argv.includes('-h')) return ['help', ...path, '--json'];
  if (path.length === 0 && (argv.includes('--version') || argv.includes('-V'))) return ['version', '--json'];
  return argv;
}
