import type { AppErrorShape } from '../../contract';
import type { TrainerExit } from '../toolchain';

/** Why a job ended without a result, as a person would want it said. */
export function failureFor(exit: TrainerExit): AppErrorShape {
  if (exit.spawnError) {
    return {
      code: 'TOOLCHAIN_BROKEN',
      message: `The toolchain's Python could not start: ${exit.spawnError.message}`,
      hint: 'Run `npx edgepack doctor --fix`, then start the export again.',
    };
  }
  if (exit.error) return exit.error;
  const tail = exit.stderrTail.filter((l) => l.trim()).slice(-3);
  const last = tail.length ? ` Last output: ${tail.join(' | ')}` : '';
  if (exit.signal) {
    return {
      code: 'TRAINER_KILLED',
      message: `The export process was killed (${exit.signal}) before it finished.${last}`,
      hint: 'Its log shows how far it got. If the machine ran out of memory, close other programs or export at a smaller input size, then start the export again.',
    };
  }
  if (exit.code === 0) {
    return {
      code: 'TRAINER_NO_RESULT',
      message: 'The export process ended without reporting a result.',
      hint: 'This is a bug in the trainer; the export log has its output.',
    };
  }
  return {
    code: 'TRAINER_CRASHED',
    message: `The export process stopped with exit code ${exit.code} before reporting a result.${last}`,
    hint: 'The export log has its full output. Run `npx edgepack doctor` to check the toolchain, then try again.',
  };
}

export const CANCELLED: AppErrorShape = {
  code: 'EXPORT_CANCELLED',
  message: 'The export was cancelled.',
  hint: 'Start it again when you are ready.',
};

export const INTERRUPTED: AppErrorShape = {
  code: 'EXPORT_INTERRUPTED',
  message: 'The app or CLI stopped during the export, so it did not finish.',
  hint: 'Start the export again.',
};

export const APP_CLOSED: AppErrorShape = {
  code: 'EXPORT_CANCELLED',
  message: 'The export was cancelled because Edgepack was closed while it ran.',
  hint: 'Start it again when you are ready.',
};

/** A remote export whose following process died (the app or CLI closed, crashed or was killed). */
export function remoteInterrupted(target: string, jobId: string, removed: boolean): AppErrorShape {
  return {
    code: 'EXPORT_INTERRUPTED',
    message: removed
      ? `The app or CLI stopped while the export ran on ${target}, so nobody could bring its files back; its Kubernetes Job was deleted.`
      : `The app or CLI stopped while the export ran on ${target}; its Kubernetes Job edgepack-export-${jobId} could not be deleted from here.`,
    hint: removed
      ? 'Start the export again.'
      : `Delete it with kubectl delete job edgepack-export-${jobId} (in the target's namespace), then start the export again.`,
  };
}
