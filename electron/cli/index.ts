/**
 * `edgepack` — the command line over the same core as the app: doctor, models, export, exports.
 * Every command takes --json (one JSON document on stdout; errors as {"error":{code,message,hint}}, non-zero exit).
 */
import { Command, CommanderError } from 'commander';
import { toAppError } from '../core';
import { registerCapabilities } from './commands/capabilities';
import { registerDeploy } from './commands/deploy';
import { registerDoctor } from './commands/doctor';
import { registerExport } from './commands/export';
import { registerExports } from './commands/exports';
import { registerModels } from './commands/models';
import { registerPredict } from './commands/predict';
import { Output } from './output';

export async function main(argv: string[]): Promise<number> {
  const out = new Output(argv.includes('--json'));
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  const ctx = () => ({ out });

  const program = new Command('edgepack')
    .description(
      'Edgepack: YOLO checkpoints to checked edge-model exports. Data folder: EDGEPACK_HOME or the OS app-data folder.',
    )
    .showHelpAfterError(!out.json)
    .exitOverride()
    .configureOutput({ writeErr: (text) => (out.json ? undefined : process.stderr.write(text)) });
  registerDoctor(program, ctx, done);
  registerModels(program, ctx, done);
  registerExport(program, ctx, done);
  registerExports(program, ctx, done);
  registerPredict(program, ctx, done);
  registerCapabilities(program, ctx, done);
  registerDeploy(program, ctx, done);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version'].includes(error.code)) return 0;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return 2;
      if (!out.json) return 2; // commander has already said what is wrong, with the usage
      out.error({
        code: 'USAGE',
        message: error.message.replace(/^error:\s*/i, ''),
        hint: 'Run `npx edgepack --help` (or `npx edgepack <command> --help`).',
      });
      return 2;
    }
    out.error(toAppError(error));
    return 1;
  }
}
