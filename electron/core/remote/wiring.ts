import type { SecretStore } from '../deploy/secret-store';
import { platformSettings } from '../deploy/service';
import { renderJob, type RenderedJob } from './job-manifest';
import type { KubeJobsLike, PlatformExportsLike, RemotePolling, RemoteRunner } from './parts';
import { PlatformExportsClient } from './platform-exports';
import { createRemoteRunner, type RunnerTarget } from './runs';
import type { TargetsService } from './targets';

/** The platform's export routes in the shape a remote run polls them. */
export function platformExports(client: PlatformExportsClient): PlatformExportsLike {
  return {
    register: (jobId) => client.register(jobId),
    async status(id, after) {
      const state = await client.poll(id, after);
      return {
        status: state.status,
        events: state.events,
        next: state.lastSeq,
        completion: state.completion,
      };
    },
    forget: (id) => client.forget(id),
  };
}

/** For the remote-export tests and bench: what else happens to the cluster's Jobs, and how often they are polled. */
export interface RemoteTesting {
  /** The remote-export tests run created Jobs as local processes too. */
  wrapKube?: (kube: KubeJobsLike<RenderedJob>) => KubeJobsLike<RenderedJob>;
  polling?: RemotePolling;
}

/** Remote runs through the stored targets, the kubeconfig as kubectl reads it and the Deploy settings' platform. */
export function remoteRunner(
  targets: TargetsService,
  secrets: SecretStore,
  testing: RemoteTesting = {},
): RemoteRunner {
  const wrapKube = testing.wrapKube ?? ((kube) => kube);
  return createRemoteRunner<RenderedJob>({
    ...(testing.polling ? { polling: testing.polling } : {}),
    target: (name): RunnerTarget => targets.get(name),
    // client-node takes half a second to load: only a remote run pays it (see README.md).
    openKube: async (target) => wrapKube((await import('./kube')).openKube(target)),
    render: renderJob,
    platform: async () => {
      const { url, token } = await platformSettings(secrets);
      return platformExports(new PlatformExportsClient(url, token));
    },
  });
}
