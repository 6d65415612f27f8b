import { toErrorShape } from '../host';
import type { CapabilitiesSlice, SliceContext } from './types';

/** The capability matrix (`capabilities:get`): the format cards, their options and precisions all read it. */
export function createCapabilitiesSlice({ set, get, host }: SliceContext): CapabilitiesSlice {
  return {
    capabilities: null,
    loadingCapabilities: false,
    capabilitiesError: null,

    async loadCapabilities(refresh = false) {
      const { capabilities, loadingCapabilities } = get();
      if (loadingCapabilities || (capabilities?.toolchainReady && !refresh)) return;
      set({ loadingCapabilities: true });
      try {
        const matrix = await host.invoke('capabilities:get', { framework: 'ultralytics', refresh });
        set({ capabilities: matrix, capabilitiesError: null });
      } catch (error) {
        set({ capabilitiesError: toErrorShape(error) });
      } finally {
        set({ loadingCapabilities: false });
      }
    },
  };
}
