import fs from 'node:fs';
import { AppError } from '../errors';
import { INSPECT_MAX_MS } from '../scratch';
import { startTrainer, type Toolchain } from '../toolchain';
import { fromInspectResult, type InspectedModel } from './inspected';
import { trustedArgs } from './trust';

const INSPECT_TIMEOUT_MS = INSPECT_MAX_MS;

/**
 * Asks the trainer to describe a checkpoint (`export.py --inspect`): only the trainer subprocess ever unpickles one,
 * after scanning its pickle globals against an allowlist.
 */
export async function inspectCheckpoint(
  toolchain: Toolchain,
  file: string,
  options: { trustUnsafe: boolean; workDir: string },
): Promise<InspectedModel> {
  const location = toolchain.assertReady();
  fs.mkdirSync(options.workDir, { recursive: true });
  const log: string[] = [];
  const trainer = startTrainer({
    python: location.python,
    script: toolchain.trainerScript(),
    args: [
      '--inspect',
      '--checkpoint-path',
      file,
      ...(options.trustUnsafe ? trustedArgs(options.workDir) : []),
    ],
    env: toolchain.trainerEnv({ CHECKPOINT_PATH: file, OUTPUT_DIR: options.workDir }),
    cwd: options.workDir,
    ...(options.trustUnsafe ? { sandbox: { writable: [options.workDir] } } : {}),
    onLine: (parsed) => {
      if (parsed.kind === 'text') log.push(parsed.line);
    },
  });
  const timer = setTimeout(() => void trainer.cancel(), INSPECT_TIMEOUT_MS);
  try {
    const exit = await trainer.exited;
    if (exit.error) throw new AppError(exit.error.code, exit.error.message, exit.error.hint);
    if (exit.spawnError) {
      throw new AppError(
        'TOOLCHAIN_BROKEN',
        `The toolchain's Python could not start: ${exit.spawnError.message}`,
        'Run `npx edgepack doctor --fix`.',
      );
    }
    const inspected = exit.code === 0 && exit.result ? fromInspectResult(exit.result) : null;
    if (!inspected) {
      const why = exit.cancelled ? 'it took longer than 10 minutes' : describeExit(exit.code, exit.signal);
      throw new AppError(
        'INSPECT_FAILED',
        `The trainer could not describe ${file} (${why}).${tail(exit.stderrTail.length ? exit.stderrTail : log)}`,
        'If the checkpoint loads in Ultralytics itself, this is a bug in Edgepack; run `npx edgepack doctor` to check the toolchain.',
      );
    }
    return inspected;
  } finally {
    clearTimeout(timer);
    fs.rmSync(options.workDir, { recursive: true, force: true });
  }
}

export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
}

function tail(lines: string[]): string {
  const last = lines.filter((l) => l.trim()).slice(-5);
  return last.length ? `\n${last.join('\n')}` : '';
}
