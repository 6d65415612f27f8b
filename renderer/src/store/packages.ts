import type {
  AppErrorShape,
  ExportFormat,
  ExportJob,
  PackageListed,
  PackageProgress,
  PackageTarget,
  PackageTargetInfo,
} from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { SliceContext } from './types';

/** The key of one export's package of one target, in `packaging` and `packageErrors`. */
export const packageKey = (exportId: string, target: PackageTarget) => `${exportId}/${target}`;

/**
 * Packages built from exports, per export: the targets (what each holds and needs), the packages built (newest
 * first, each saying if its file went missing), the builds running (their last progress) and why one failed.
 */
export interface PackagesSlice {
  packageTargets: PackageTargetInfo[];
  packages: Record<string, PackageListed[]>;
  /** packageKey → the build running (its last progress). */
  packaging: Record<string, Pick<PackageProgress, 'stage' | 'fraction'> & { making?: ExportFormat }>;
  packageErrors: Record<string, AppErrorShape>;
  loadPackages(exportId: string): Promise<void>;
  buildPackage(exportId: string, target: PackageTarget): Promise<void>;
  /** The offer when the export lacks the target's format: export the same model to it, then package that export. */
  exportAndPackage(job: ExportJob, target: PackageTarget, format: ExportFormat): Promise<void>;
  dismissPackageError(exportId: string, target: PackageTarget): void;
  revealPackage(record: PackageListed): Promise<void>;
  applyPackageProgress(progress: PackageProgress): void;
}

export function createPackagesSlice({ set, get, host }: SliceContext): PackagesSlice {
  const without = <T>(map: Record<string, T>, key: string) => {
    const { [key]: _gone, ...rest } = map;
    return rest;
  };
  const notifyError = (error: unknown) => {
    const e = toErrorShape(error);
    get().notify({ kind: 'error', text: e.message, hint: e.hint });
  };
  /** Runs one build under its key: progress shown while it runs, the error kept if it fails, the list reloaded. */
  const running = async (
    key: string,
    exportId: string,
    making: ExportFormat | undefined,
    work: () => Promise<void>,
  ) => {
    set((s) => ({
      packaging: { ...s.packaging, [key]: { stage: 'collecting', fraction: 0, making } },
      packageErrors: without(s.packageErrors, key),
    }));
    try {
      await work();
    } catch (error) {
      set((s) => ({ packageErrors: { ...s.packageErrors, [key]: toErrorShape(error) } }));
    } finally {
      set((s) => ({ packaging: without(s.packaging, key) }));
      await get().loadPackages(exportId);
    }
  };
  return {
    packageTargets: [],
    packages: {},
    packaging: {},
    packageErrors: {},

    async loadPackages(exportId) {
      try {
        if (get().packageTargets.length === 0) {
          set({ packageTargets: await host.invoke('packages:targets', {}) });
        }
        const list = await host.invoke('packages:list', { exportId });
        set((s) => ({ packages: { ...s.packages, [exportId]: list } }));
      } catch (error) {
        // The export was deleted meanwhile: its packages went with it, and so does its detail.
        if (toErrorShape(error).code === 'EXPORT_NOT_FOUND') return;
        notifyError(error);
      }
    },

    buildPackage: (exportId, target) =>
      running(packageKey(exportId, target), exportId, undefined, async () => {
        await host.invoke('packages:create', { exportId, target });
      }),

    exportAndPackage: (job, target, format) =>
      running(packageKey(job.id, target), job.id, format, async () => {
        const made = await host.invoke('exports:create', {
          modelId: job.modelId,
          formats: [format],
          exportConfig: job.exportConfig.imgsz ? { imgsz: job.exportConfig.imgsz } : {},
        });
        const done = await host.invoke('exports:wait', { id: made.id });
        if (done.status !== 'completed' && done.status !== 'partial') {
          throw {
            code: 'EXPORT_FAILED',
            message: `The ${format} export of this model (v${done.version}) ${done.status}; no ${target} package was built.`,
            hint: `Open export v${done.version} for its log, fix what it says, and try again.`,
          } satisfies AppErrorShape;
        }
        await host.invoke('packages:create', { exportId: done.id, target });
        await get().loadPackages(done.id);
        get().notify({
          kind: 'info',
          text: `Made ${format} export v${done.version} and built its ${target} package (on export v${done.version}'s detail).`,
        });
      }),

    dismissPackageError: (exportId, target) =>
      set((s) => ({ packageErrors: without(s.packageErrors, packageKey(exportId, target)) })),

    async revealPackage(record) {
      try {
        const { path } = await host.invoke('packages:reveal', { id: record.id });
        if (!host.canReveal) get().notify({ kind: 'info', text: `The package is ${path}` });
      } catch (error) {
        notifyError(error);
      }
    },

    applyPackageProgress: ({ exportId, target, stage, fraction }) =>
      set((s) => {
        const key = packageKey(exportId, target);
        const current = s.packaging[key];
        return current ? { packaging: { ...s.packaging, [key]: { ...current, stage, fraction } } } : {};
      }),
  };
}
