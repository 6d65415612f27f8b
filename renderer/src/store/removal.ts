import { toErrorShape } from '../host';
import type { RemovalSlice, SliceContext } from './types';

/**
 * Removing a model or deleting an export: the core says first what it takes (exports, files, endpoints on the
 * platform), the dialog shows it, and the person chooses; a refusal or a platform error stays in the dialog.
 */
export function createRemovalSlice({ set, get, host }: SliceContext): RemovalSlice {
  return {
    removal: null,

    async askRemoval(kind, id) {
      set({ removal: { kind, id, plan: null, error: null, busy: true } });
      try {
        const plan = await host.invoke(kind === 'model' ? 'models:removal' : 'exports:removal', { id });
        if (get().removal?.id === id) set({ removal: { kind, id, plan, error: null, busy: false } });
      } catch (error) {
        if (get().removal?.id === id)
          set({ removal: { kind, id, plan: null, error: toErrorShape(error), busy: false } });
      }
    },

    async confirmRemoval(endpoints) {
      const pending = get().removal;
      if (!pending?.plan || pending.busy) return;
      set({ removal: { ...pending, busy: true, error: null } });
      try {
        const outcome =
          pending.kind === 'model'
            ? await get().removeModel(pending.id, endpoints)
            : await get().deleteExport(pending.id, endpoints);
        const settled = outcome.endpoints.map((e) => `${e.name} is ${e.status}`).join(', ');
        set({ removal: null });
        // Deactivated endpoints stay on the platform without their export: the Models page lists them.
        if (outcome.endpoints.length > 0) void get().loadDeployments();
        get().notify({
          kind: 'info',
          text: `Removed ${pending.plan.subject}: ${pending.plan.summary}.${settled ? ` On the platform: ${settled}.` : ''}`,
        });
      } catch (error) {
        set({ removal: { ...pending, busy: false, error: toErrorShape(error) } });
      }
    },

    cancelRemoval: () => set({ removal: null }),
  };
}
