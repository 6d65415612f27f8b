import type {
  AppErrorShape,
  DeployedBundle,
  Deployment,
  DeploymentDownloads,
  DeploySettings,
  DeployTestResult,
} from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { SliceContext } from './types';

/** The playground of one endpoint: the image sent and what came back. */
export interface EndpointTest {
  running: boolean;
  imageUrl: string | null;
  imageName: string | null;
  result: DeployTestResult | null;
  error: AppErrorShape | null;
}

/** An endpoint's download links (presigned, so fetched when asked, not with every usage refresh). */
export interface EndpointDownloads {
  loading: boolean;
  downloads: DeploymentDownloads | null;
  error: AppErrorShape | null;
}

export interface DeploySlice {
  deploySettings: DeploySettings | null;
  deployments: Record<string, Deployment>;
  /** Keys as the platform returned them on create/regenerate: in memory only, shown once, never stored. */
  revealedKeys: Record<string, string>;
  /** Export waiting for the platform URL/token before it can be deployed. */
  deploySetupFor: string | null;
  deployingExportId: string | null;
  deployError: AppErrorShape | null;
  endpointTests: Record<string, EndpointTest>;
  /** What happened to the export's bundle zip when each endpoint was created here (this session). */
  deployedBundles: Record<string, DeployedBundle>;
  endpointDownloads: Record<string, EndpointDownloads>;
  loadDeploySettings(): Promise<void>;
  loadDeploymentDownloads(id: string): Promise<void>;
  saveDeploySettings(endpoint: string, token: string): Promise<boolean>;
  loadDeployments(): Promise<void>;
  deployExport(exportId: string): Promise<void>;
  cancelDeploySetup(): void;
  /** `quiet`: a background refresh (live usage) that does not raise a notice when the platform is briefly away. */
  refreshDeployment(id: string, how?: { quiet?: boolean }): Promise<void>;
  setDeploymentActive(id: string, active: boolean): Promise<void>;
  regenerateDeploymentKey(id: string): Promise<void>;
  deleteDeployment(id: string): Promise<void>;
  testDeployment(id: string, file: File, apiKey: string, confidence: number): Promise<void>;
}

export function createDeploySlice({ set, get, host }: SliceContext): DeploySlice {
  const fail = (error: unknown) => {
    const e = toErrorShape(error);
    get().notify({ kind: 'error', text: e.message, hint: e.hint });
  };
  const put = (d: Deployment) => set((s) => ({ deployments: { ...s.deployments, [d.id]: d } }));

  return {
    deploySettings: null,
    deployments: {},
    revealedKeys: {},
    deploySetupFor: null,
    deployingExportId: null,
    deployError: null,
    endpointTests: {},
    deployedBundles: {},
    endpointDownloads: {},

    async loadDeploymentDownloads(id) {
      const update = (patch: EndpointDownloads) =>
        set((s) => ({ endpointDownloads: { ...s.endpointDownloads, [id]: patch } }));
      update({ loading: true, downloads: get().endpointDownloads[id]?.downloads ?? null, error: null });
      try {
        update({ loading: false, downloads: await host.invoke('deploy:downloads', { id }), error: null });
      } catch (error) {
        update({ loading: false, downloads: null, error: toErrorShape(error) });
      }
    },

    async loadDeploySettings() {
      try {
        set({ deploySettings: await host.invoke('deploy:settings', {}) });
      } catch (error) {
        fail(error);
      }
    },

    async saveDeploySettings(endpoint, token) {
      try {
        const settings = await host.invoke('deploy:configure', {
          endpoint,
          ...(token.trim() ? { token } : {}),
        });
        set({ deploySettings: settings, deployError: null });
        const waiting = get().deploySetupFor;
        if (waiting && settings.hasToken) {
          set({ deploySetupFor: null });
          await get().deployExport(waiting);
        }
        return true;
      } catch (error) {
        set({ deployError: toErrorShape(error) });
        return false;
      }
    },

    async loadDeployments() {
      try {
        const list = await host.invoke('deploy:list', {});
        set({ deployments: Object.fromEntries(list.map((d) => [d.id, d])) });
        const fresh = await host.invoke('deploy:list', { refresh: true });
        set({ deployments: Object.fromEntries(fresh.map((d) => [d.id, d])) });
      } catch (error) {
        fail(error);
      }
    },

    async deployExport(exportId) {
      const settings = get().deploySettings ?? (await host.invoke('deploy:settings', {}));
      set({ deploySettings: settings });
      if (!settings.endpoint || !settings.hasToken) {
        set({ deploySetupFor: exportId });
        return;
      }
      set({ deployingExportId: exportId, deployError: null });
      try {
        const created = await host.invoke('deploy:create', { exportId });
        put(created.deployment);
        const id = created.deployment.id;
        set((s) => ({
          revealedKeys: { ...s.revealedKeys, [id]: created.apiKey },
          deployedBundles: created.bundle
            ? { ...s.deployedBundles, [id]: created.bundle }
            : s.deployedBundles,
        }));
      } catch (error) {
        const e = toErrorShape(error);
        // A refused token sends the person back to the settings with the platform's words.
        if (e.code.startsWith('ACCOUNT_TOKEN') || e.code.startsWith('PLATFORM_'))
          set({ deploySetupFor: exportId, deployError: e });
        else fail(error);
      } finally {
        set({ deployingExportId: null });
      }
    },

    cancelDeploySetup: () => set({ deploySetupFor: null, deployError: null }),

    async refreshDeployment(id, how) {
      try {
        put(await host.invoke('deploy:get', { id }));
      } catch (error) {
        if (!how?.quiet) fail(error);
      }
    },

    async setDeploymentActive(id, active) {
      try {
        put(await host.invoke(active ? 'deploy:reactivate' : 'deploy:deactivate', { id }));
      } catch (error) {
        fail(error);
      }
    },

    async regenerateDeploymentKey(id) {
      try {
        const keyed = await host.invoke('deploy:regenerateKey', { id });
        put(keyed.deployment);
        set((s) => ({ revealedKeys: { ...s.revealedKeys, [id]: keyed.apiKey } }));
      } catch (error) {
        fail(error);
      }
    },

    async deleteDeployment(id) {
      try {
        put(await host.invoke('deploy:delete', { id }));
        set((s) => {
          const revealedKeys = { ...s.revealedKeys };
          delete revealedKeys[id];
          return { revealedKeys };
        });
      } catch (error) {
        fail(error);
      }
    },

    async testDeployment(id, file, apiKey, confidence) {
      const previous = get().endpointTests[id];
      if (previous?.imageUrl) URL.revokeObjectURL(previous.imageUrl);
      const base: EndpointTest = {
        running: true,
        imageUrl: URL.createObjectURL(file),
        imageName: file.name,
        result: null,
        error: null,
      };
      const update = (patch: Partial<EndpointTest>) =>
        set((s) => ({
          endpointTests: { ...s.endpointTests, [id]: { ...(s.endpointTests[id] ?? base), ...patch } },
        }));
      update(base);
      try {
        const imagePath = await host.fileToPath(file);
        const result = await host.invoke('deploy:test', {
          id,
          apiKey,
          imagePath,
          confidenceThreshold: confidence,
        });
        update({ running: false, result });
        void get().refreshDeployment(id);
      } catch (error) {
        update({ running: false, error: toErrorShape(error) });
      }
    },
  };
}
