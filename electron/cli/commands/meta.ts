import { Argument, type Command } from 'commander';
import type { VersionReport } from '../../contract';
import { versions } from '../../core';
import { completionScript, type Shell } from '../completion';
import type { CommandContext } from '../context';
import { describeCommand, findCommand } from '../describe';
import { SHELLS } from '../schemas';

/** The packages `edgepack version` names in its text (--json has every one the environment recorded). */
const KEY_PACKAGES = ['ultralytics', 'torch', 'onnx', 'onnxruntime'];

/** `edgepack version`: Edgepack's version, and the toolchain's as recorded when it was made (no Python runs). */
export function registerVersion(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('version')
    .description("print Edgepack's version, Node's, and the toolchain's main package versions")
    .option('--json', 'print one JSON document')
    .action(() => {
      const report = versions();
      ctx().out.result(report, () => versionText(report));
      done(0);
    });
}

export function versionText(r: VersionReport): string {
  const t = r.toolchain;
  const packages = KEY_PACKAGES.filter((p) => t.packages[p]).map((p) => `${p} ${t.packages[p]}`);
  return [
    `edgepack ${r.edgepack.version} (Node ${r.edgepack.node}, ${r.edgepack.platform})`,
    t.ready
      ? `toolchain ${t.path}${t.python ? ` (Python ${t.python})` : ''}${packages.length ? `\n  ${packages.join(', ')}` : ''}`
      : `toolchain not installed (${t.path}): npx edgepack doctor --fix`,
  ].join('\n');
}

/** `edgepack completion <shell>`: the completion script, generated from the command tree. */
export function registerCompletion(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('completion')
    .description('print the shell completion script (bash, zsh or fish); see the README for installing it')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .option('--json', 'print one JSON document')
    .action((shell: Shell) => {
      const script = completionScript(shell, describeCommand(program));
      ctx().out.result({ shell, script }, () => script.trimEnd());
      done(0);
    });
}

/**
 * `edgepack help [command...] [--json]`, replacing commander's built-in help command (which knows no --json): the
 * help text, or the command tree as JSON. Each group gets one too (`edgepack models help list`).
 */
export function registerHelp(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  const add = (parent: Command) => {
    const help = parent
      .command('help')
      .description(
        parent === program
          ? 'display help for a command (--json: the commands, arguments and options as JSON)'
          : 'display help for a command',
      )
      .argument('[command...]', 'the command, e.g. models list')
      .option('--json', 'print one JSON document')
      .action((names: string[]) => {
        const target = findCommand(parent, names);
        if (!target) {
          help.error(`error: unknown command '${names.join(' ')}'`, {
            code: 'commander.unknownCommand',
            exitCode: 2,
          });
          return;
        }
        ctx().out.result(describeCommand(target), () => target.helpInformation().trimEnd());
        done(0);
      });
  };
  for (const group of program.commands.filter((c) => c.commands.length > 0)) add(group);
  add(program);
}

/**
 * A group run without a subcommand lists (`edgepack models`, `edgepack models --json`), as `git remote` does; an
 * unknown word is still an unknown command. Call after the group's subcommands exist (they must not inherit
 * allowExcessArguments).
 */
export function listByDefault(group: Command, list: () => Promise<void>): void {
  group
    .option('--json', 'print one JSON document')
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) => {
      if (command.args.length > 0) (command as unknown as { unknownCommand(): never }).unknownCommand();
      await list();
    });
}
