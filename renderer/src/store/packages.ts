import type { AppErrorShape, PackageProgress, PackageRecord } from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { SliceContext } from './types';

/** Packages built from exports (the bundle zip), per export: the built ones, one being built, why one failed. */
export interface PackagesSlice {
  packages: Record<string, PackageRecord[]>;
  /** Export id → the build running for it (its last progress). */
  packaging: Record<string, Pick<PackageProgress, 'stage' | 'fraction'>>;
  packageErrors: Record<string, AppErrorShape>;
  loadPackages(exportId: string): Promise<void>;
  buildBundle(exportId: string): Promise<void>;
  revealPackage(record: PackageRecord): Promise<void>;
  applyPackageProgress(progress: PackageProgress): void;
}

export function createPackagesSlice({ set, get, host }: SliceContext): PackagesSlice {
  const without = <T>(map: Record<string, T>, key: string) => {
    const { [key]: _gone, ...rest } = map;
    return rest;
  };
  return {
    packages: {},
    packaging: {},
    packageErrors: {},

    async loadPackages(exportId) {
      try {
        const list = await host.invoke('packages:list', { exportId });
        set((s) => ({ packages: { ...s.packages, [exportId]: list } }));
      } catch (error) {
        const e = toErrorShape(error);
        get().notify({ kind: 'error', text: e.message, hint: e.hint });
      }
    },

    async buildBundle(exportId) {
      set((s) => ({
        packaging: { ...s.packaging, [exportId]: { stage: 'collecting', fraction: 0 } },
        packageErrors: without(s.packageErrors, exportId),
      }));
      try {
        const built = await host.invoke('packages:create', { exportId, target: 'bundle' });
        set((s) => ({
          packages: {
            ...s.packages,
            [exportId]: [built, ...(s.packages[exportId] ?? []).filter((p) => p.path !== built.path)],
          },
        }));
      } catch (error) {
        set((s) => ({ packageErrors: { ...s.packageErrors, [exportId]: toErrorShape(error) } }));
      } finally {
        set((s) => ({ packaging: without(s.packaging, exportId) }));
      }
    },

    async revealPackage(record) {
      try {
        const { path } = await host.invoke('packages:reveal', { id: record.id });
        if (!host.canReveal) get().notify({ kind: 'info', text: `The bundle is ${path}` });
      } catch (error) {
        const e = toErrorShape(error);
        get().notify({ kind: 'error', text: e.message, hint: e.hint });
      }
    },

    applyPackageProgress: ({ exportId, stage, fraction }) =>
      set((s) =>
        s.packaging[exportId] ? { packaging: { ...s.packaging, [exportId]: { stage, fraction } } } : {},
      ),
  };
}
