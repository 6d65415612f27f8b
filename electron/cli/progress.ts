/** A progress bar redrawn in place on a terminal; on anything else, a plain line per stage or 10% step. */
export class ProgressView {
  private lastStage = '';
  private lastStep = -1;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {}

  update(stage: string, fraction: number, label = ''): void {
    const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    if (this.tty) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const text = `${label}[${bar}] ${String(percent).padStart(3)}% ${stage}`;
      const columns = this.stream.columns || 100;
      this.stream.write(`\r${text.slice(0, columns - 1).padEnd(Math.min(columns - 1, text.length + 10))}`);
      this.drawn = true;
      return;
    }
    const step = Math.floor(percent / 10);
    if (stage === this.lastStage && step === this.lastStep) return;
    this.lastStage = stage;
    this.lastStep = step;
    this.stream.write(`${label}${stage} ${percent}%\n`);
  }

  /** A line that should not be overwritten by the bar. */
  line(text: string): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
    this.stream.write(`${text}\n`);
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
