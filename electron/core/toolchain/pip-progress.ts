/**
 * Turns pip's output into a fraction of the install. pip does not announce a total, so collection advances
 * towards (never reaching) the install phase as packages are resolved; "Installing collected packages" and
 * "Successfully installed" are the fixed late milestones.
 */
export interface PipProgress {
  fraction: number;
  /** The line worth showing a person, when the line was a milestone. */
  milestone: string | null;
}

const COLLECT_START = 0.05;
const COLLECT_END = 0.6;
const INSTALLING = 0.7;
const INSTALLED = 0.95;

export class PipProgressParser {
  private collected = 0;
  private fraction = 0;

  /** `expected` is the number of top-level requirements; pip usually resolves a few times more packages. */
  constructor(private readonly expected: number) {}

  push(line: string): PipProgress {
    const text = line.trim();
    let milestone: string | null = null;
    if (/^(Collecting|Requirement already satisfied:)\s/.test(text)) {
      this.collected += 1;
      const scale = Math.max(1, this.expected) * 3;
      this.advance(
        COLLECT_START + (COLLECT_END - COLLECT_START) * (this.collected / (this.collected + scale)),
      );
      milestone = text;
    } else if (text.startsWith('Installing collected packages:')) {
      this.advance(INSTALLING);
      milestone = text.length > 160 ? `${text.slice(0, 157)}...` : text;
    } else if (text.startsWith('Successfully installed')) {
      this.advance(INSTALLED);
      milestone = 'Successfully installed the packages';
    }
    return { fraction: this.fraction, milestone };
  }

  private advance(to: number): void {
    this.fraction = Math.max(this.fraction, Math.min(to, 1));
  }
}
