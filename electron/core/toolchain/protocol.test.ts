import { describe, expect, it } from 'vitest';
import { LineSplitter, logLineFor, parseTrainerLine } from './protocol';

describe('trainer protocol lines', () => {
  it('reads each event kind', () => {
    expect(parseTrainerLine('{"event":"progress","stage":"onnx","fraction":0.4}')).toEqual({
      kind: 'event',
      event: { event: 'progress', stage: 'onnx', fraction: 0.4 },
    });
    const error = parseTrainerLine(
      '{"event":"error","code":"CHECKPOINT_TRUNCATED","message":"cut","hint":"copy again"}',
    );
    expect(error).toMatchObject({
      kind: 'event',
      event: { code: 'CHECKPOINT_TRUNCATED', hint: 'copy again' },
    });
    const result = parseTrainerLine(
      '{"event":"result","formats":{"onnx":{"status":"passed"}},"metadata":"/m.json"}',
    );
    expect(result).toMatchObject({ kind: 'event', event: { formats: { onnx: { status: 'passed' } } } });
  });

  it('treats non-JSON output, other JSON and malformed events as plain log lines', () => {
    for (const line of [
      'Ultralytics 8.4.190 🚀 Python-3.11.7',
      '{"not":"an event"}',
      '{"event":"progress","stage":"onnx"}',
      '{"event":"progress", broken',
      '{"event":"launch-rockets"}',
    ]) {
      expect(parseTrainerLine(line)).toEqual({ kind: 'text', line });
    }
  });

  it('strips terminal colour codes from text lines and log events', () => {
    const colouredEvent = JSON.stringify({ event: 'log', message: '\u001b[34mPyTorch:\u001b[0m starting' });
    expect(logLineFor(parseTrainerLine(colouredEvent))).toBe('PyTorch: starting');
  });

  it('renders events as readable log lines', () => {
    expect(logLineFor(parseTrainerLine('{"event":"progress","stage":"parity","fraction":0.8}'))).toBe(
      '» parity 80%',
    );
    expect(logLineFor(parseTrainerLine('{"event":"log","level":"warning","message":"slow"}'))).toBe(
      'WARNING: slow',
    );
    expect(
      logLineFor(parseTrainerLine('{"event":"artifact","format":"onnx","path":"/o/m.onnx","bytes":2097152}')),
    ).toBe('artifact onnx: /o/m.onnx (2.0 MB)');
    expect(logLineFor(parseTrainerLine('\u001b[34m\u001b[1mONNX:\u001b[0m export success'))).toBe(
      'ONNX: export success',
    );
    expect(logLineFor(parseTrainerLine('{"event":"error","code":"X","message":"bad","hint":"fix it"}'))).toBe(
      'ERROR X: bad — fix it',
    );
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps the unterminated tail for the end', () => {
    const s = new LineSplitter();
    expect(s.push('{"event":"pro')).toEqual([]);
    expect(s.push('gress"}\r\nsecond\nthi')).toEqual(['{"event":"progress"}', 'second']);
    expect(s.push('rd')).toEqual([]);
    expect(s.end()).toEqual(['third']);
    expect(s.end()).toEqual([]);
  });
});
