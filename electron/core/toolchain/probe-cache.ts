import fs from 'node:fs';
import type { DoctorReport, ToolchainStatus } from '../../contract';
import type { EventHub } from '../events';
import { EDGEPACK_VERSION } from '../version';
import type { Toolchain } from './index';

interface Stored {
  key: string;
  probedAt: string;
  report: DoctorReport;
}

/**
 * The toolchain check, remembered in the data folder: answered at once from the last report of the same
 * environment (its path, its pinned requirements, this Edgepack), and refreshed in the background, the fresh report
 * pushed as `toolchain:checked`. A report for another environment or version is never shown.
 */
export class ToolchainProbeCache {
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly toolchain: Toolchain,
    private readonly events: EventHub,
  ) {}

  status(): ToolchainStatus {
    const stored = this.read();
    this.refresh();
    return { report: stored?.report ?? null, probedAt: stored?.probedAt ?? null, refreshing: true };
  }

  /** Keeps a report made elsewhere (doctor, ensure) as the latest. */
  remember(report: DoctorReport): void {
    const stored: Stored = { key: this.key(), probedAt: new Date().toISOString(), report };
    try {
      fs.writeFileSync(`${this.file}.partial`, JSON.stringify(stored));
      fs.renameSync(`${this.file}.partial`, this.file);
    } catch {
      /* a cache that cannot be written is only slower next time */
    }
  }

  /** The background check still running, for a clean shutdown. */
  settled(): Promise<void> {
    return this.refreshing ?? Promise.resolve();
  }

  private refresh(): void {
    if (this.refreshing) return;
    this.refreshing = this.toolchain
      .doctor()
      .then((report) => {
        this.remember(report);
        this.events.emit('toolchain:checked', {
          report,
          probedAt: new Date().toISOString(),
          refreshing: false,
        });
      })
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = null;
      });
  }

  private key(): string {
    const location = this.toolchain.location();
    return `${location.path}|${location.requirementsHash}|${EDGEPACK_VERSION}`;
  }

  private read(): Stored | null {
    try {
      const stored = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Stored;
      return stored.key === this.key() ? stored : null;
    } catch {
      return null;
    }
  }
}
