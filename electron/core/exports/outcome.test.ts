import { describe, expect, it } from 'vitest';
import type { TrainerExit } from '../toolchain';
import { outcomeOf } from './outcome';

const staging = '/h/exports/.staging/j';
const final = '/h/exports/m/v1';
const exit = (over: Partial<TrainerExit>): TrainerExit => ({
  code: 0,
  signal: null,
  result: null,
  error: null,
  spawnError: null,
  stderrTail: [],
  cancelled: false,
  ...over,
});
const passed = {
  event: 'result',
  formats: {
    onnx: { status: 'passed', path: `${staging}/model.onnx`, bytes: 10, parity: { max_abs: 1e-5 } },
  },
  metadata: `${staging}/metadata.json`,
} as const;

describe('what a trainer exit means for the job', () => {
  it('completed: every format passed; paths point at the final folder', () => {
    const o = outcomeOf(exit({ result: passed }), false, ['onnx'], staging, final);
    expect(o).toMatchObject({
      kind: 'produced',
      status: 'completed',
      error: null,
      metadataPath: `${final}/metadata.json`,
    });
    expect(o.kind === 'produced' && o.results[0]?.path).toBe(`${final}/model.onnx`);
  });

  it('cancelled wins over anything the trainer said', () => {
    expect(outcomeOf(exit({ result: passed }), true, ['onnx'], staging, final)).toEqual({
      kind: 'cancelled',
    });
  });

  it('a signal is a failure even after a result, naming the signal', () => {
    const o = outcomeOf(
      exit({ code: null, signal: 'SIGKILL', result: passed }),
      false,
      ['onnx'],
      staging,
      final,
    );
    expect(o).toMatchObject({ kind: 'failed', results: [], error: { code: 'TRAINER_KILLED' } });
    expect(o.kind === 'failed' && o.error.message).toMatch(/killed \(SIGKILL\)/);
  });

  it('every format failed: the per-format errors are kept, with the trainer error as the reason', () => {
    const result = {
      event: 'result',
      formats: {
        onnx: { status: 'failed', path: null, error: { code: 'EXPORT_FAILED', message: 'opset', hint: 'h' } },
      },
    } as const;
    const error = { code: 'EXPORT_FAILED', message: 'opset', hint: 'h' };
    const o = outcomeOf(exit({ code: 1, result, error }), false, ['onnx'], staging, final);
    expect(o).toMatchObject({
      kind: 'failed',
      error,
      results: [{ format: 'onnx', status: 'failed', path: null }],
    });
  });

  it('a crash without a result quotes the last lines of stderr', () => {
    const o = outcomeOf(
      exit({ code: 1, stderrTail: ['Traceback', 'MemoryError'] }),
      false,
      ['onnx'],
      staging,
      final,
    );
    expect(o).toMatchObject({ kind: 'failed', error: { code: 'TRAINER_CRASHED' } });
    expect(o.kind === 'failed' && o.error.message).toMatch(/exit code 1.*MemoryError/);
  });

  it('the trainer error event is the reason when it gave one', () => {
    const error = { code: 'CHECKPOINT_TRUNCATED', message: 'cut short', hint: 'copy again' };
    expect(outcomeOf(exit({ code: 1, error }), false, ['onnx'], staging, final)).toMatchObject({
      kind: 'failed',
      error,
    });
  });

  it('a clean exit without a result, or with an unreadable one, is a trainer bug, said so', () => {
    expect(outcomeOf(exit({}), false, ['onnx'], staging, final)).toMatchObject({
      error: { code: 'TRAINER_NO_RESULT' },
    });
    expect(
      outcomeOf(exit({ result: { event: 'result', formats: 'x' } }), false, ['onnx'], staging, final),
    ).toMatchObject({
      error: { code: 'TRAINER_PROTOCOL' },
    });
  });

  it('a converter that ran out of disk (OSError errno 28) is said as DISK_FULL, with what to do, not its own hint', () => {
    const enospc = {
      code: 'EXPORT_FAILED',
      message: 'ONNX export failed: OSError: [Errno 28] No space left on device',
      hint: 'Try the default options, or another opset.',
    };
    const result = {
      event: 'result',
      formats: { onnx: { status: 'failed', path: null, error: enospc } },
    } as const;
    const o = outcomeOf(exit({ code: 1, result, error: enospc }), false, ['onnx'], staging, final);
    const said = {
      code: 'DISK_FULL',
      message: expect.stringContaining('[Errno 28] No space left on device'),
      hint: expect.stringMatching(/Free some space/),
    };
    expect(o).toMatchObject({ kind: 'failed', error: said, results: [{ format: 'onnx', error: said }] });
    // A crash whose last words were the OS's ENOSPC, too.
    const crash = outcomeOf(
      exit({ code: 1, stderrTail: ["OSError: [Errno 28] No space left on device: 'model.onnx'"] }),
      false,
      ['onnx'],
      staging,
      final,
    );
    expect(crash).toMatchObject({ kind: 'failed', error: { code: 'DISK_FULL' } });
  });
});
