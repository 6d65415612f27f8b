import { promises as dns } from 'node:dns';
import type { OutputTensor } from '@edgepack/runtime';
import type { TritonModelBackend } from '../repository/config-pbtxt';
import { tritonModelConfig } from '../repository/config-pbtxt';
import { tritonModelFacts } from '../repository/triton-metadata';
import {
  removeTritonModel,
  removeTritonVersion,
  tritonModelName,
  writeTritonModel,
} from '../repository/layout';
import { TritonClient, TritonResponseError } from './triton-client';
import type { InferenceBackend, InputTensor, LoadRequest } from './types';
import { BackendUnavailableError, InferenceFailedError, ModelLoadError } from './types';

export interface TritonBackendOptions {
  /** One or more Triton servers sharing the model repository; loads go to all, inference round-robins. */
  urls: string[];
  /**
   * Where model loads and unloads go, when not `urls`: a headless Kubernetes service whose name resolves to every
   * Triton pod, so each pod loads the model (pods the autoscaler adds later load the repository at start).
   */
  loadUrl?: string;
  /** The model repository directory those servers were started with (a shared volume in Kubernetes). */
  repositoryDir: string;
  modelBackend: TritonModelBackend;
  /** Binary tensors (default) or JSON tensors over HTTP. */
  tensorEncoding?: 'binary' | 'json';
  timeoutMs?: number;
}

/** Triton Inference Server over its HTTP v2 protocol, models loaded and unloaded through its repository API. */
export class TritonBackend implements InferenceBackend {
  readonly kind = 'triton' as const;
  private readonly clients: TritonClient[];
  private readonly outputNames = new Map<string, string[]>();
  private next = 0;

  constructor(private readonly options: TritonBackendOptions) {
    if (options.urls.length === 0) throw new Error('TritonBackend needs at least one Triton URL.');
    this.clients = options.urls.map((url) => new TritonClient(url.replace(/\/+$/, ''), options.timeoutMs));
  }

  async load(request: LoadRequest): Promise<void> {
    const name = tritonModelName(request.deploymentId);
    const config = tritonModelConfig({
      modelName: name,
      summary: request.summary,
      backend: this.options.modelBackend,
      instances: request.replicas,
      facts: tritonModelFacts(request.info, request.summary),
    });
    await writeTritonModel(this.options.repositoryDir, config, request.version, request.onnx);
    const targets = await this.repositoryClients();
    try {
      for (const client of targets) await client.load(name);
    } catch (error) {
      // Triton keeps serving the version it had; drop the refused one so a restart does not trip on it.
      await removeTritonVersion(this.options.repositoryDir, name, request.version);
      if (error instanceof TritonResponseError)
        throw new ModelLoadError(`Triton refused the model: ${error.message}`);
      throw error;
    }
    this.outputNames.set(
      request.deploymentId,
      request.summary.outputs.map((o) => o.name),
    );
    for (const client of this.clients) {
      if (!(await client.modelReady(name, request.version))) {
        throw new ModelLoadError(`Triton loaded ${name} but version ${request.version} is not ready.`);
      }
    }
  }

  async unload(deploymentId: string): Promise<void> {
    const name = tritonModelName(deploymentId);
    for (const client of await this.repositoryClients()) {
      try {
        await client.unload(name);
      } catch (error) {
        // Unloading a model Triton does not know is fine; anything else is reported.
        if (!(error instanceof TritonResponseError)) throw error;
      }
    }
    await removeTritonModel(this.options.repositoryDir, name);
    this.outputNames.delete(deploymentId);
  }

  async isLoaded(deploymentId: string, version: number): Promise<boolean> {
    if (!this.outputNames.has(deploymentId)) return false;
    return this.clients[0]!.modelReady(tritonModelName(deploymentId), version);
  }

  async infer(deploymentId: string, version: number, input: InputTensor): Promise<OutputTensor[]> {
    const outputs = this.outputNames.get(deploymentId);
    if (!outputs) throw new InferenceFailedError(`Deployment ${deploymentId} is not loaded in Triton.`);
    const client = this.clients[this.next++ % this.clients.length]!;
    try {
      const tensors = await client.infer(
        tritonModelName(deploymentId),
        version,
        { name: input.name, data: input.data, shape: input.dims },
        outputs,
        this.options.tensorEncoding ?? 'binary',
      );
      return tensors.map((t) => ({ data: t.data, dims: t.shape }));
    } catch (error) {
      if (error instanceof TritonResponseError) {
        if (error.status >= 500 || /not ready|unavailable|unknown model/i.test(error.message)) {
          throw new BackendUnavailableError(`Triton could not run the model: ${error.message}`);
        }
        throw new InferenceFailedError(`Triton could not run the model: ${error.message}`);
      }
      throw error;
    }
  }

  async health(): Promise<{ ready: boolean; detail: string }> {
    const states = await Promise.all(
      this.clients.map(async (c) => {
        try {
          return (await c.serverReady()) ? null : `${c.baseUrl} not ready`;
        } catch (error) {
          return (error as Error).message;
        }
      }),
    );
    const problems = states.filter((s): s is string => s !== null);
    return problems.length === 0
      ? { ready: true, detail: `Triton ready (${this.options.urls.join(', ')})` }
      : { ready: false, detail: problems.join('; ') };
  }

  /** Every server a repository change must reach: the configured URLs, or each address behind loadUrl. */
  private async repositoryClients(): Promise<TritonClient[]> {
    if (!this.options.loadUrl) return this.clients;
    const url = new URL(this.options.loadUrl);
    let addresses: { address: string; family: number }[];
    try {
      addresses = await dns.lookup(url.hostname, { all: true });
    } catch (error) {
      throw new BackendUnavailableError(
        `Cannot resolve the Triton pods at ${url.hostname}: ${(error as Error).message}.`,
      );
    }
    return addresses.map((a) => {
      const target = new URL(url);
      target.hostname = a.family === 6 ? `[${a.address}]` : a.address;
      return new TritonClient(target.toString().replace(/\/+$/, ''), this.options.timeoutMs);
    });
  }

  describe(): string {
    return `Triton (${this.options.urls.join(', ')}, ${this.options.modelBackend} backend)`;
  }

  async close(): Promise<void> {
    this.outputNames.clear();
  }
}
