import * as ort from 'onnxruntime-node';
import type { OutputTensor } from '@edgepack/runtime';
import { keepOnnxRuntimeTelemetryOff } from '@edgepack/runtime/onnxruntime';
import { PREVIEW_SESSION_OPTIONS } from '@edgepack/runtime/session-options';
import type { InferenceBackend, InputTensor, LoadRequest } from './types';
import { InferenceFailedError, ModelLoadError } from './types';

interface Loaded {
  version: number;
  session: ort.InferenceSession;
}

/** ONNX Runtime inside the service process: `npm run platform` works on any machine, no Triton needed. */
export class EmbeddedBackend implements InferenceBackend {
  readonly kind = 'embedded' as const;
  private readonly models = new Map<string, Loaded>();

  constructor(private readonly options: { intraOpThreads?: number } = {}) {}

  async load(request: LoadRequest): Promise<void> {
    let session: ort.InferenceSession;
    keepOnnxRuntimeTelemetryOff();
    try {
      // The app's preview session options, except that idle pool threads sleep: the preview is usually the busy
      // program, but a server decodes the next images and answers HTTP on the same cores, and spinning takes CPU
      // from them.
      session = await ort.InferenceSession.create(request.onnx, {
        ...PREVIEW_SESSION_OPTIONS,
        ...(this.options.intraOpThreads ? { intraOpNumThreads: this.options.intraOpThreads } : {}),
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      });
    } catch (error) {
      throw new ModelLoadError(`ONNX Runtime could not load the model: ${(error as Error).message}`);
    }
    const previous = this.models.get(request.deploymentId);
    this.models.set(request.deploymentId, { version: request.version, session });
    if (previous) await previous.session.release().catch(() => undefined);
  }

  async unload(deploymentId: string): Promise<void> {
    const loaded = this.models.get(deploymentId);
    this.models.delete(deploymentId);
    if (loaded) await loaded.session.release().catch(() => undefined);
  }

  async isLoaded(deploymentId: string, version: number): Promise<boolean> {
    return this.models.get(deploymentId)?.version === version;
  }

  async infer(deploymentId: string, version: number, input: InputTensor): Promise<OutputTensor[]> {
    const loaded = this.models.get(deploymentId);
    if (!loaded || loaded.version !== version) {
      throw new InferenceFailedError(`Version ${version} of deployment ${deploymentId} is not loaded.`);
    }
    const feeds = { [input.name]: new ort.Tensor('float32', input.data, input.dims as number[]) };
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await loaded.session.run(feeds);
    } catch (error) {
      throw new InferenceFailedError(`ONNX Runtime failed to run the model: ${(error as Error).message}`);
    }
    return loaded.session.outputNames.map((name) => {
      const tensor = results[name] as ort.Tensor;
      return { data: tensor.data as Float32Array, dims: tensor.dims };
    });
  }

  async health(): Promise<{ ready: boolean; detail: string }> {
    return { ready: true, detail: `embedded ONNX Runtime, ${this.models.size} model(s) loaded` };
  }

  describe(): string {
    return 'embedded ONNX Runtime';
  }

  async close(): Promise<void> {
    await Promise.all([...this.models.keys()].map((id) => this.unload(id)));
  }
}
