import type { SliceContext, UiSlice } from './types';

export function createUiSlice({ set }: SliceContext): UiSlice {
  return {
    page: 'models',
    notice: null,
    showPage: (page) => set({ page }),
    notify: (notice) => set({ notice }),
    dismissNotice: () => set({ notice: null }),
  };
}
