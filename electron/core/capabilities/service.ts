import { MAIN_ENVIRONMENT, type CapabilityMatrix } from '../../contract';
import { AppError, toAppError } from '../errors';
import type { Toolchain } from '../toolchain';
import { runCommand } from '../toolchain/exec';
import { toFormatCapability, unprobedMatrix, withEnvironment } from './matrix';

/**
 * The capability matrix: the trainers' formats table (`export.py --capabilities`), probed in the toolchain
 * environment (converters installed, a GPU for TensorRT), plus the state of environments made on first use (TFLite).
 * Cached per process; `refresh` probes again.
 */
export class CapabilitiesService {
  private cached: CapabilityMatrix | null = null;

  constructor(private readonly toolchain: Toolchain) {}

  async get(request: { framework: string; refresh?: boolean | undefined }): Promise<CapabilityMatrix> {
    if (this.cached && !request.refresh) return this.cached;
    let python: string;
    try {
      python = this.toolchain.assertReady().python;
    } catch (error) {
      return unprobedMatrix(request.framework, toAppError(error).message);
    }
    const run = await runCommand(python, [this.toolchain.trainerScript(), '--capabilities'], {
      env: this.toolchain.trainerEnv(),
      timeoutMs: 120_000,
    });
    const result = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) =>
          JSON.parse(line) as { event: string; capabilities?: { formats: Record<string, unknown>[] } },
      )
      .find((event) => event.event === 'result');
    if (run.code !== 0 || !result?.capabilities) {
      throw new AppError(
        'CAPABILITIES_PROBE_FAILED',
        `The toolchain could not report its capabilities (exit ${run.code ?? run.signal}): ${run.stderr.trim().split('\n').at(-1) ?? ''}`,
        'Run `npx edgepack doctor` to check the toolchain environment.',
      );
    }
    const formats = result.capabilities.formats.map((raw) => {
      const format = toFormatCapability(raw);
      if (format.environment === MAIN_ENVIRONMENT) return format;
      return withEnvironment(format, this.toolchain.isReady(format.environment), python);
    });
    this.cached = {
      framework: request.framework,
      formats,
      toolchainReady: true,
      probedAt: new Date().toISOString(),
    };
    return this.cached;
  }

  /** Forget the probe (after an environment was installed). */
  invalidate(): void {
    this.cached = null;
  }
}
