/**
 * The CLI's conventions, without the Python toolchain: --version and `version`, `help [--json]`, groups that list
 * without a subcommand, shell completion (the bash script sourced in bash), and each command's --json shape documented
 * in resources/schemas/cli/ (generated, up to date, one per command). Runs go through bin/edgepack.mjs as a person's
 * would; `cli()` checks every --json answer against its schema.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../electron/cli';
import { completionScript } from '../../electron/cli/completion';
import { commandPath, describeCommand } from '../../electron/cli/describe';
import { Output } from '../../electron/cli/output';
import { CLI_OUTPUTS, outputKeyOf, schemaFileName } from '../../electron/cli/schemas';
import { staleSchemaFiles } from '../../scripts/generate-cli-schemas';
import { cli, freshHome, removeHomes, repo } from '../integration/helpers';

const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  version: string;
};
const home = freshHome();
// No toolchain here: `version` must not need one (nor make one).
const noToolchain = { EDGEPACK_TOOLCHAINS: path.join(home, 'no-toolchains') };
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-completion-'));
afterAll(() => {
  removeHomes();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

describe('--json shapes', () => {
  const program = buildProgram(new Output(false));
  const commands = everyCommand(program).slice(1);

  it('resources/schemas/cli is what electron/cli/schemas.ts generates (npm run gen:cli-schemas)', () => {
    expect(staleSchemaFiles()).toEqual([]);
  });

  it('every command takes --json and has a schema for it; every schema is a command', () => {
    for (const command of commands) {
      const name = commandPath(command).join(' ');
      expect(
        command.options.some((o) => o.long === '--json'),
        `${name} takes --json`,
      ).toBe(true);
      const key = outputKeyOf(commandPath(command));
      expect(key, `${name} has a schema`).not.toBeNull();
      expect(fs.existsSync(path.join(repo, 'resources', 'schemas', 'cli', schemaFileName(key!)))).toBe(true);
    }
    const reached = new Set(commands.map((c) => outputKeyOf(commandPath(c))));
    expect(Object.keys(CLI_OUTPUTS).filter((key) => !reached.has(key as keyof typeof CLI_OUTPUTS))).toEqual(
      [],
    );
  });
});

describe('edgepack --version and version', () => {
  it("prints package.json's version", () => {
    for (const flag of ['--version', '-V']) {
      const run = cli(home, [flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  it('version --json: Edgepack, Node, and a toolchain that is not there (nothing is made)', () => {
    for (const args of [
      ['version', '--json'],
      ['--version', '--json'],
    ]) {
      const run = cli(home, args, noToolchain);
      expect(run.code).toBe(0);
      expect(run.json).toMatchObject({
        edgepack: { version, node: process.versions.node },
        toolchain: { ready: false, python: null, packages: {} },
      });
    }
    expect(fs.existsSync(noToolchain.EDGEPACK_TOOLCHAINS)).toBe(false);
    const text = cli(home, ['version'], noToolchain);
    expect(text.stdout).toMatch(new RegExp(`^edgepack ${version.replace(/\./g, '\\.')} \\(Node `));
    expect(text.stdout).toContain('doctor --fix');
  });
});

describe('edgepack help', () => {
  it('help --json: the whole command tree, exit 0', () => {
    const run = cli(home, ['help', '--json']);
    expect(run.code).toBe(0);
    expect(run.json.command).toBe('edgepack');
    const names = run.json.commands.map((c: { name: string }) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['doctor', 'models', 'export', 'version', 'completion', 'help']),
    );
    const exportCommand = run.json.commands.find((c: { name: string }) => c.name === 'export');
    expect(exportCommand.options).toContainEqual(
      expect.objectContaining({ long: '--format', short: '-f', value: 'formats', mandatory: true }),
    );
    expect(exportCommand.jsonSchema).toBe('https://edgepack.dev/schemas/cli/export.schema.json');
  });

  it('help <command> --json, and --help --json, describe that command', () => {
    for (const args of [
      ['help', 'models', 'list', '--json'],
      ['models', 'list', '--help', '--json'],
      ['models', 'help', 'list', '--json'],
    ]) {
      const run = cli(home, args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.json).toMatchObject({ command: 'edgepack models list', commands: [] });
    }
  });

  it('help and help <command> as text exit 0; an unknown command is a usage error', () => {
    expect(cli(home, ['help']).code).toBe(0);
    const models = cli(home, ['help', 'models']);
    expect(models.code).toBe(0);
    expect(models.stdout).toContain('Usage: edgepack models');
    const unknown = cli(home, ['help', 'modles', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error.code).toBe('USAGE');
    const none = cli(home, ['--json']);
    expect(none.code).toBe(2);
    expect(none.json.error).toMatchObject({ code: 'USAGE', message: 'No command given.' });
  });
});

describe('groups without a subcommand list', () => {
  it('models, exports and deployments --json answer as their list does', () => {
    for (const group of ['models', 'exports', 'deployments']) {
      const run = cli(home, [group, '--json']);
      expect(run.code, group).toBe(0);
      expect(run.json).toEqual(cli(home, [group, 'list', '--json']).json);
    }
    expect(cli(home, ['models']).stdout).toContain('No models yet');
  });

  it('an unknown subcommand is still one, with a suggestion', () => {
    const run = cli(home, ['models', 'lst', '--json']);
    expect(run.code).toBe(2);
    expect(run.json.error).toMatchObject({ code: 'USAGE', message: expect.stringContaining('list') });
    expect(cli(home, ['exports', 'lst']).stderr).toContain("unknown command 'lst'");
  });
});

describe('edgepack completion', () => {
  /** COMPREPLY of the bash script for a command line whose last word is the one being completed. */
  function bashComplete(script: string, words: string[]): string[] {
    const file = path.join(scratch, 'edgepack.bash');
    fs.writeFileSync(file, script);
    const r = spawnSync(
      'bash',
      [
        '--norc',
        '-c',
        `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _edgepack; printf '%s\\n' "\${COMPREPLY[@]}"`,
        'bash',
        file,
        ...words,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  }

  it('the bash script, sourced in bash, completes subcommands, options and fixed values', () => {
    const run = cli(home, ['completion', 'bash']);
    expect(run.code).toBe(0);
    expect(spawnSync('bash', ['-n'], { input: run.stdout }).status).toBe(0);
    expect(bashComplete(run.stdout, ['edgepack', 'mod'])).toEqual(['models']);
    expect(bashComplete(run.stdout, ['edgepack', 'exports', 's'])).toEqual(['show', 'set-default']);
    expect(bashComplete(run.stdout, ['edgepack', 'export', 'model.pt', '--im'])).toEqual(['--imgsz']);
    expect(
      bashComplete(run.stdout, ['edgepack', '--json', 'exports', 'list', '--model', 'ab', '--j']),
    ).toEqual(['--json']);
    // An option's value is skipped when finding the command: `--tag list` is not the `exports list` subcommand.
    expect(bashComplete(run.stdout, ['edgepack', 'export', '--tag', 'list', '--ver'])).toEqual(['--verbose']);
    expect(bashComplete(run.stdout, ['edgepack', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    // A file argument: nothing from the script, so bash completes file names (complete -o default).
    expect(bashComplete(run.stdout, ['edgepack', 'predict', ''])).toEqual([]);
  });

  it('follows the command tree: a command added to the program completes without editing a list', () => {
    const program = buildProgram(new Output(false));
    program.command('extra-command').option('--extra-option');
    expect(cli(home, ['completion', 'bash']).stdout).not.toContain('extra-command');
    const extended = completionScript('bash', describeCommand(program));
    expect(bashComplete(extended, ['edgepack', 'extra-'])).toEqual(['extra-command']);
    expect(bashComplete(extended, ['edgepack', 'extra-command', '--ex'])).toEqual(['--extra-option']);
  });

  const installed = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

  it.skipIf(!installed('zsh'))(
    'the zsh script, in zsh, offers the same (completion builtins stubbed)',
    () => {
      const file = path.join(scratch, '_edgepack');
      fs.writeFileSync(file, cli(home, ['completion', 'zsh']).stdout);
      expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
      // Outside an interactive shell there is no completion system: its builtins print what they were given.
      const complete = (line: string[]) => {
        const r = spawnSync(
          'zsh',
          [
            '-f',
            '-c',
            `compdef() { :; }
_describe() { local name=\${@[-1]}; print -l -- "\${(@P)name%%:*}"; }
compadd() { print -l -- "\${(@P)2}"; }
_files() { print -- '<files>'; }
source "$1"; shift; words=("$@"); CURRENT=$#words; _edgepack`,
            'zsh',
            file,
            ...line,
          ],
          { encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
        return r.stdout.split('\n').filter(Boolean);
      };
      expect(complete(['edgepack', 'models', ''])).toEqual(['add', 'list', 'show', 'remove', 'help']);
      expect(complete(['edgepack', 'export', 'x.pt', '--i'])).toContain('--imgsz');
      expect(complete(['edgepack', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
      expect(complete(['edgepack', 'export', '--tag', 'list', ''])).toEqual(['<files>']);
    },
  );

  it.skipIf(!installed('fish'))('the fish script, in fish, completes subcommands and options', () => {
    const file = path.join(scratch, 'edgepack.fish');
    fs.writeFileSync(file, cli(home, ['completion', 'fish']).stdout);
    const complete = (line: string) => {
      const r = spawnSync(
        'fish',
        ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, line],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status, r.stderr).toBe(0);
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    };
    expect(complete('edgepack mod')).toEqual(['models']);
    expect(complete('edgepack --json exports s')).toEqual(['set-default', 'show']);
    expect(complete('edgepack export x.pt --im')).toEqual(['--imgsz']);
    expect(complete('edgepack export --tag list --ver')).toEqual(['--verbose']);
  });

  it('--json wraps the script; an unknown shell is a usage error', () => {
    const json = cli(home, ['completion', 'fish', '--json']);
    expect(json.json).toMatchObject({
      shell: 'fish',
      script: expect.stringContaining('complete -c edgepack'),
    });
    expect(cli(home, ['completion', 'tcsh', '--json']).json.error.code).toBe('USAGE');
  });
});
