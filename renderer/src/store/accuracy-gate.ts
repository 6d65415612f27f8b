import type { AccuracyGate } from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { SliceContext } from './types';

/** The accuracy threshold (a global setting) and, per export, the formats it fails and their overrides. */
export interface AccuracyGateSlice {
  /** undefined until loaded; null: no threshold. */
  maxDropPoints: number | null | undefined;
  accuracyGates: Record<string, AccuracyGate>;
  loadAccuracyThreshold(): Promise<void>;
  setAccuracyThreshold(maxDropPoints: number | null, exportId: string): Promise<void>;
  loadAccuracyGate(exportId: string): Promise<void>;
  overrideAccuracy(exportId: string, format: string): Promise<void>;
}

export function createAccuracyGateSlice({ set, get, host }: SliceContext): AccuracyGateSlice {
  const attempt = async (exportId: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      set((s) => ({ validationErrors: { ...s.validationErrors, [exportId]: toErrorShape(error) } }));
    }
  };
  const storeGate = (exportId: string, gate: AccuracyGate) =>
    set((s) => ({ accuracyGates: { ...s.accuracyGates, [exportId]: gate } }));
  return {
    maxDropPoints: undefined,
    accuracyGates: {},

    async loadAccuracyThreshold() {
      const { maxDropPoints } = await host.invoke('settings:accuracyThreshold', {});
      set({ maxDropPoints });
    },

    async setAccuracyThreshold(points, exportId) {
      await attempt(exportId, async () => {
        const { maxDropPoints } = await host.invoke('settings:setAccuracyThreshold', {
          maxDropPoints: points,
        });
        set({ maxDropPoints });
        await get().loadAccuracyGate(exportId);
      });
    },

    async loadAccuracyGate(exportId) {
      await attempt(exportId, async () =>
        storeGate(exportId, await host.invoke('exports:accuracyGate', { id: exportId })),
      );
    },

    async overrideAccuracy(exportId, format) {
      await attempt(exportId, async () =>
        storeGate(exportId, await host.invoke('exports:overrideAccuracy', { id: exportId, format })),
      );
    },
  };
}
