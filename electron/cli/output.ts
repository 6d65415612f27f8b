import type { AppErrorShape } from '../contract';

/** Where a command's answer goes: one JSON document on stdout with --json, readable text otherwise. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** The command's result: `value` as JSON, or the `text` rendering for people. */
  result(value: unknown, text: () => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  }

  error(error: AppErrorShape): void {
    if (this.json) {
      this.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } }, null, 2)}\n`,
      );
    } else {
      this.stderr.write(
        `error ${error.code}: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`,
      );
    }
  }

  /** Progress and notes for people; always stderr, so stdout stays one JSON document. */
  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}
