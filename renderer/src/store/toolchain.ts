import { toErrorShape } from '../host';
import type { SliceContext, ToolchainSlice } from './types';

const MAX_LINES = 200;

export function createToolchainSlice({ set, get, host }: SliceContext): ToolchainSlice {
  return {
    doctor: null,
    checkingToolchain: false,
    ensuringToolchain: false,
    toolchainProgress: null,
    toolchainLines: [],
    toolchainError: null,

    /** The last report at once; the fresh one the core checks in the background arrives via applyToolchainStatus. */
    async checkToolchain() {
      set({ checkingToolchain: true });
      try {
        const status = await host.invoke('toolchain:status', {});
        // A fresh report may already have arrived (the event can overtake this answer): keep the newer one.
        if (!get().checkingToolchain) return;
        set({
          doctor: status.report ?? get().doctor,
          toolchainError: null,
          checkingToolchain: status.refreshing,
        });
      } catch (error) {
        set({ toolchainError: toErrorShape(error), checkingToolchain: false });
      }
    },

    applyToolchainStatus: (status) =>
      set({ doctor: status.report, checkingToolchain: status.refreshing, toolchainError: null }),

    async ensureToolchain() {
      if (get().ensuringToolchain) return;
      set({ ensuringToolchain: true, toolchainError: null, toolchainLines: [], toolchainProgress: null });
      try {
        set({ doctor: await host.invoke('toolchain:ensure', {}) });
        void get().loadCapabilities(true); // the converters it installed change what can be built here
      } catch (error) {
        set({ toolchainError: toErrorShape(error) });
      } finally {
        set({ ensuringToolchain: false });
      }
    },

    applyToolchainProgress: (progress) =>
      set((s) => ({
        toolchainProgress: progress,
        toolchainLines: progress.line
          ? [...s.toolchainLines, progress.line].slice(-MAX_LINES)
          : s.toolchainLines,
      })),
  };
}
