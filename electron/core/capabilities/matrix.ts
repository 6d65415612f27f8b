import {
  ENVIRONMENTS,
  FORMAT_IDS,
  FORMATS,
  MAIN_ENVIRONMENT,
  TASKS,
  type CapabilityMatrix,
  type EnvironmentName,
  type FormatCapability,
} from '../../contract';
import { FIX_COMMAND } from '../toolchain/doctor';
import { camelName, renameKeys } from '../toolchain/names';

type Raw = Record<string, unknown>;

/** The trainer's `--capabilities` answer (snake_case, renamed at the one boundary) as the contract's FormatCapability. */
export function toFormatCapability(python: Raw): FormatCapability {
  const raw = renameKeys(python, camelName) as Raw;
  const converter = (raw['converter'] ?? {}) as Raw;
  return {
    id: String(raw['id']),
    label: String(raw['label'] ?? raw['id']),
    runtime: String(raw['runtime'] ?? ''),
    environment: String(raw['environment'] ?? MAIN_ENVIRONMENT),
    converter: {
      installed: Boolean(converter['installed']),
      packages: (converter['packages'] ?? {}) as Record<string, string | null>,
    },
    buildableHere: Boolean(raw['buildableHere']),
    deferred: Boolean(raw['deferred']),
    runnableHere: Boolean(raw['runnableHere']),
    reason: typeof raw['reason'] === 'string' ? raw['reason'] : null,
    precisions: (raw['precisions'] ?? ['fp32']) as FormatCapability['precisions'],
    note: String(raw['note'] ?? ''),
    tasks: (raw['tasks'] ?? {}) as FormatCapability['tasks'],
    exportOptions: (raw['exportOptions'] ?? {}) as Record<string, unknown>,
    optimizationOptions: (raw['optimizationOptions'] ?? {}) as Record<string, unknown>,
  };
}

/**
 * A format whose converter lives in its own environment (TFLite) is installed when that environment is ready;
 * otherwise it is still buildable here: the environment is made on first use.
 */
export function withEnvironment(
  format: FormatCapability,
  ready: boolean,
  python: string | null,
): FormatCapability {
  if (format.environment === MAIN_ENVIRONMENT) return format;
  return {
    ...format,
    converter: { ...format.converter, installed: ready },
    buildableHere: python !== null,
    reason: ready
      ? null
      : python
        ? `its converter installs on first use, in its own environment (${requirementsOf(format.environment)})`
        : `its environment cannot be made: no usable Python here (set EDGEPACK_PYTHON)`,
  };
}

function requirementsOf(environment: string): string {
  return (
    ENVIRONMENTS[environment as EnvironmentName]?.requirements ?? `trainers/requirements/${environment}.txt`
  );
}

/** What can be said without a toolchain: the formats exist (the generated formats table), nothing is installed, and
 * how to fix that. */
export function unprobedMatrix(framework: string, problem: string): CapabilityMatrix {
  const formats = FORMAT_IDS.map((id): FormatCapability => ({
    id,
    label: FORMATS[id].label,
    runtime: '',
    environment: FORMATS[id].environment,
    converter: { installed: false, packages: {} },
    buildableHere: false,
    deferred: false,
    runnableHere: false,
    reason: `${problem} Run \`${FIX_COMMAND}\`.`,
    precisions: ['fp32'],
    note: '',
    tasks: Object.fromEntries(
      TASKS.map((t) => [
        t,
        { supported: (FORMATS[id].tasks as readonly string[]).includes(t), quality: null },
      ]),
    ),
    exportOptions: {},
    optimizationOptions: {},
  }));
  return { framework, formats, toolchainReady: false, probedAt: new Date().toISOString() };
}
