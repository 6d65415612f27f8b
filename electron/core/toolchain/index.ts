import fs from 'node:fs';
import path from 'node:path';
import type { DoctorReport, ToolchainProgress } from '../../contract';
import { AppError } from '../errors';
import { FRAMEWORK, isMarkedReady, locateToolchain, type ToolchainLocation } from './environment';
import { FIX_COMMAND, runDoctor } from './doctor';
import { ensureToolchain } from './ensure';
import { trainerEnv } from './offline-env';

export interface ToolchainOptions {
  toolchainsDir: string;
  resourcesDir: string;
  python: string;
  /** YOLO_CONFIG_DIR for every trainer run, inside the data folder. */
  ultralyticsConfigDir: string;
  /** Development override (EDGEPACK_VENV): use an existing venv instead of making one. */
  externalVenv?: string | undefined;
  onProgress: (progress: ToolchainProgress) => void;
}

/** The trainers' Python environment: where it is, whether it is ready, making it, and running scripts in it. */
export class Toolchain {
  private ensuring: Promise<void> | null = null;

  constructor(private readonly options: ToolchainOptions) {}

  location(): ToolchainLocation {
    return locateToolchain(
      {
        toolchainsDir: this.options.toolchainsDir,
        resourcesDir: this.options.resourcesDir,
        python: this.options.python,
        externalVenv: this.options.externalVenv,
      },
      FRAMEWORK,
    );
  }

  /**
   * An environment made on first use for one converter (TFLite: `<toolchains>/tflite-<hash>` from
   * trainers/requirements/tflite.txt). Never the EDGEPACK_VENV override: its pins differ from the main one's.
   */
  locationOf(framework: string): ToolchainLocation {
    if (framework === FRAMEWORK) return this.location();
    return locateToolchain(
      {
        toolchainsDir: this.options.toolchainsDir,
        resourcesDir: this.options.resourcesDir,
        python: this.options.python,
      },
      framework,
    );
  }

  isReady(framework: string): boolean {
    const location = this.locationOf(framework);
    return location.external ? fs.existsSync(location.python) : isMarkedReady(location);
  }

  /** Makes a first-use environment (with progress on toolchain:progress) and returns its interpreter. */
  async ensureEnvironment(framework: string): Promise<string> {
    if (framework === FRAMEWORK) return this.assertReady().python;
    const location = this.locationOf(framework);
    if (!isMarkedReady(location)) {
      await ensureToolchain({
        location,
        python: this.options.python,
        configDir: this.options.ultralyticsConfigDir,
        onProgress: this.options.onProgress,
      });
    }
    return location.python;
  }

  doctor(options: { dev?: boolean } = {}): Promise<DoctorReport> {
    return runDoctor({
      location: this.location(),
      python: this.options.python,
      configDir: this.options.ultralyticsConfigDir,
      dev: options.dev ?? false,
    });
  }

  /** Makes the environment when needed (one build at a time per process; a lock file across processes). */
  async ensure(options: { dev?: boolean } = {}): Promise<DoctorReport> {
    while (this.ensuring) await this.ensuring.catch(() => undefined);
    this.ensuring = ensureToolchain({
      location: this.location(),
      python: this.options.python,
      configDir: this.options.ultralyticsConfigDir,
      dev: options.dev ?? false,
      onProgress: this.options.onProgress,
    });
    try {
      await this.ensuring;
    } finally {
      this.ensuring = null;
    }
    return this.doctor(options);
  }

  /** A cheap check before running a trainer (the ready marker, not a full doctor). */
  assertReady(): ToolchainLocation {
    const location = this.location();
    if (location.external ? !fs.existsSync(location.python) : !isMarkedReady(location)) {
      throw new AppError(
        'TOOLCHAIN_NOT_READY',
        `The ${location.framework} toolchain environment is not installed or incomplete (${location.path}).`,
        `Run \`${FIX_COMMAND}\` (or set it up from the app) and try again.`,
      );
    }
    return location;
  }

  trainerScript(framework = FRAMEWORK): string {
    return path.join(this.options.resourcesDir, 'trainers', framework, 'export.py');
  }

  /** The trainer's environment: offline Ultralytics settings, plus the job's own variables. */
  trainerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    fs.mkdirSync(this.options.ultralyticsConfigDir, { recursive: true });
    return { ...trainerEnv(this.options.ultralyticsConfigDir), ...extra };
  }
}

export { FIX_COMMAND } from './doctor';
export { startTrainer, type TrainerProcess, type TrainerExit } from './runner';
export type { ToolchainLocation } from './environment';
