import {
  targetFieldProblem,
  type AppErrorShape,
  type RemoteTarget,
  type TargetsAddRequest,
} from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { SliceContext } from './types';

/** Settings → Compute targets: the remote (Kubernetes) targets an export can run on. */
export interface TargetsSlice {
  /** undefined until loaded. */
  remoteTargets: RemoteTarget[] | undefined;
  /** Why the last add or remove was refused (the same errors as `edgepack targets`). */
  targetsError: AppErrorShape | null;
  loadTargets(): Promise<void>;
  /** Checks the fields here first (as the core does), then asks the core; true when the target was stored. */
  addTarget(request: TargetsAddRequest): Promise<boolean>;
  removeTarget(name: string): Promise<void>;
  clearTargetsError(): void;
}

export function createTargetsSlice({ set, host }: SliceContext): TargetsSlice {
  const attempt = async (work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      set({ targetsError: null });
      return true;
    } catch (error) {
      set({ targetsError: toErrorShape(error) });
      return false;
    }
  };
  const reload = async () => set({ remoteTargets: await host.invoke('targets:list', {}) });
  return {
    remoteTargets: undefined,
    targetsError: null,
    loadTargets: async () => void (await attempt(reload)),
    async addTarget(request) {
      const problem = targetFieldProblem(request);
      if (problem) {
        set({ targetsError: problem });
        return false;
      }
      return attempt(async () => {
        await host.invoke('targets:add', request);
        await reload();
      });
    },
    async removeTarget(name) {
      await attempt(async () => {
        await host.invoke('targets:remove', { name });
        await reload();
      });
    },
    clearTargetsError: () => set({ targetsError: null }),
  };
}
