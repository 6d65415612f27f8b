import readline from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { ENDPOINT_CHOICES, type EndpointChoice, type RemovalPlan } from '../contract';
import { AppError, type LocalCore } from '../core';

export interface RemovalFlags {
  yes?: boolean;
  endpoints?: EndpointChoice;
}

/** The two flags `models remove` and `exports delete` share, added to the command. */
export function withRemovalOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '-y, --yes',
        'do not ask first (for scripts); without it, a terminal is asked and anything else refused',
      ),
    )
    .addOption(
      new Option(
        '--endpoints <choice>',
        'endpoints on the platform made from it: refuse (the default), deactivate or delete them there first',
      ).choices([...ENDPOINT_CHOICES]),
    );
}

/** What the removal takes, in lines for the terminal. */
export function describePlan(plan: RemovalPlan): string {
  const endpoints = plan.endpoints.map(
    (e) => `  ${e.name} (${e.status}, from v${e.exportVersion})${e.endpointUrl ? ` ${e.endpointUrl}` : ''}`,
  );
  return [
    `Removing ${plan.subject} takes ${plan.summary}.`,
    ...(endpoints.length ? ['Endpoints made from it, on the platform:', ...endpoints] : []),
  ].join('\n');
}

/**
 * What the removal takes (asked of the core), once the person agreed; null when they did not (said on stderr).
 * `--yes` goes ahead; a terminal is asked (y/N); anything else (a script, a pipe) is refused with what would go, so
 * nothing is removed by accident.
 */
export async function planAndConfirm(
  core: LocalCore,
  channel: 'models:removal' | 'exports:removal',
  id: string,
  flags: RemovalFlags,
): Promise<RemovalPlan | null> {
  const plan = await core.handle(channel, { id });
  const verb = channel === 'models:removal' ? 'removed' : 'deleted';
  if (await confirmRemoval(plan, flags, verb)) return plan;
  process.stderr.write(`Nothing was ${verb}.\n`);
  return null;
}

async function confirmRemoval(plan: RemovalPlan, flags: RemovalFlags, verb: string): Promise<boolean> {
  return confirmDestructive(
    describePlan(plan),
    flags,
    verb,
    'Run it again with --yes to go ahead (and --endpoints deactivate|delete when endpoints are listed).',
  );
}

/**
 * Asks before a destructive action, saying what it takes: `--yes` goes ahead; a terminal is asked (y/N); anything
 * else (a script, a pipe) is refused with CONFIRMATION_NEEDED, so nothing is removed by accident.
 */
export async function confirmDestructive(
  what: string,
  flags: { yes?: boolean },
  verb: string,
  hint = 'Run it again with --yes to go ahead.',
): Promise<boolean> {
  if (flags.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new AppError(
      'CONFIRMATION_NEEDED',
      `${what}\nNothing was ${verb}: there is no terminal to ask.`,
      hint,
    );
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what}\nGo ahead? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
