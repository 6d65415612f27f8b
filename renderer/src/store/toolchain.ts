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

    async checkToolchain() {
      set({ checkingToolchain: true });
      try {
        set({ doctor: await host.invoke('toolchain:doctor', {}), toolchainError: null });
      } catch (error) {
        set({ toolchainError: toErrorShape(error) });
      } finally {
        set({ checkingToolchain: false });
      }
    },

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
