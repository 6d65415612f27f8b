import type { Argument, Command, Option } from 'commander';
import {
  outputKeyOf,
  schemaId,
  type ArgumentDescription,
  type CommandDescription,
  type OptionDescription,
} from './schemas';

/**
 * The command tree as data, read from commander itself (what `--help` shows): `edgepack help --json` prints it, and
 * the shell completion scripts are generated from it, so neither can drift from the commands.
 */
export function describeCommand(command: Command): CommandDescription {
  const help = command.createHelp();
  const path = commandPath(command);
  const key = outputKeyOf(path);
  const subcommands = help.visibleCommands(command);
  return {
    name: command.name(),
    command: ['edgepack', ...path].join(' '),
    description: command.description(),
    usage: help.commandUsage(command),
    arguments: command.registeredArguments.map(describeArgument),
    options: help.visibleOptions(command).map(describeOption),
    // A group answers --json as its `list` does (GROUP_DEFAULTS); `edgepack` alone has no output of its own.
    jsonSchema: key ? schemaId(key) : null,
    commands: subcommands.map(describeCommand),
  };
}

/** The words after `edgepack` that reach this command, e.g. ['models', 'list']. */
export function commandPath(command: Command): string[] {
  const path: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  return path;
}

function describeOption(option: Option): OptionDescription {
  const value = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '') ?? null;
  return {
    flags: option.flags,
    long: option.long ?? null,
    short: option.short ?? null,
    description: option.description,
    value,
    valueRequired: option.required,
    mandatory: option.mandatory,
    negate: option.negate,
    default: jsonDefault(option.defaultValue),
    choices: option.argChoices ? [...option.argChoices] : null,
  };
}

function describeArgument(argument: Argument): ArgumentDescription {
  return {
    name: argument.name(),
    description: argument.description,
    required: argument.required,
    variadic: argument.variadic,
    choices: argument.argChoices ? [...argument.argChoices] : null,
  };
}

function jsonDefault(value: unknown): OptionDescription['default'] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return null;
}

/** The command at `path` below `root` (e.g. ['models', 'list']), or null when there is none. */
export function findCommand(root: Command, path: readonly string[]): Command | null {
  let command: Command | undefined = root;
  for (const name of path) {
    command = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!command) return null;
  }
  return command;
}
