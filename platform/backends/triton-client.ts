import { BackendUnavailableError } from './types';

/** An error Triton answered with: its HTTP status and its own message. */
export class TritonResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TritonResponseError';
  }
}

export interface TritonTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: Float32Array;
}

/** Triton's HTTP/REST (KServe v2) protocol: health, repository load/unload, model readiness, inference. */
export class TritonClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async serverLive(): Promise<boolean> {
    return (await this.request('GET', '/v2/health/live')).ok;
  }

  async serverReady(): Promise<boolean> {
    return (await this.request('GET', '/v2/health/ready')).ok;
  }

  async modelReady(model: string, version?: number): Promise<boolean> {
    const path =
      version === undefined ? `/v2/models/${model}/ready` : `/v2/models/${model}/versions/${version}/ready`;
    return (await this.request('GET', path)).ok;
  }

  async load(model: string): Promise<void> {
    await this.expectOk(await this.request('POST', `/v2/repository/models/${model}/load`, '{}'));
  }

  async unload(model: string): Promise<void> {
    await this.expectOk(await this.request('POST', `/v2/repository/models/${model}/unload`, '{}'));
  }

  async repositoryIndex(): Promise<{ name: string; version?: string; state?: string; reason?: string }[]> {
    const response = await this.request('POST', '/v2/repository/index', '{}');
    await this.expectOk(response.clone());
    return (await response.json()) as { name: string; version?: string; state?: string; reason?: string }[];
  }

  /**
   * Runs inference. Binary mode sends the tensor as raw little-endian bytes after a JSON header and asks for
   * binary outputs (Triton's binary tensor extension); JSON mode sends and receives plain number arrays.
   */
  async infer(
    model: string,
    version: number,
    input: { name: string; data: Float32Array; shape: readonly number[] },
    outputs: readonly string[],
    mode: 'binary' | 'json' = 'binary',
  ): Promise<TritonTensor[]> {
    const path = `/v2/models/${model}/versions/${version}/infer`;
    if (mode === 'json') {
      const body = JSON.stringify({
        inputs: [{ name: input.name, shape: input.shape, datatype: 'FP32', data: Array.from(input.data) }],
        outputs: outputs.map((name) => ({ name, parameters: { binary_data: false } })),
      });
      const response = await this.request('POST', path, body, { 'Content-Type': 'application/json' });
      await this.expectOk(response.clone());
      const json = (await response.json()) as {
        outputs: { name: string; datatype: string; shape: number[]; data: number[] }[];
      };
      return json.outputs.map((o) => ({
        name: o.name,
        datatype: o.datatype,
        shape: o.shape,
        data: Float32Array.from(o.data),
      }));
    }
    const bytes = new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: input.name,
            shape: input.shape,
            datatype: 'FP32',
            parameters: { binary_data_size: bytes.byteLength },
          },
        ],
        outputs: outputs.map((name) => ({ name, parameters: { binary_data: true } })),
      }),
    );
    const response = await this.request('POST', path, Buffer.concat([header, bytes]), {
      'Content-Type': 'application/octet-stream',
      'Inference-Header-Content-Length': String(header.byteLength),
    });
    await this.expectOk(response.clone());
    return parseBinaryResponse(
      response.headers.get('inference-header-content-length'),
      await response.arrayBuffer(),
    );
  }

  private async request(
    method: string,
    path: string,
    body?: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new BackendUnavailableError(
        `Triton at ${this.baseUrl} is not reachable (${networkCause(error)}).`,
      );
    }
  }

  private async expectOk(response: Response): Promise<void> {
    if (response.ok) return;
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // Not JSON: Triton's plain text is the message.
    }
    throw new TritonResponseError(response.status, tidyTritonMessage(message || `HTTP ${response.status}`));
  }
}

/** Triton appends the Python backend's traceback ("At: …") to load errors; the first part is the reason. */
export function tidyTritonMessage(message: string): string {
  return message.split(/\n\s*At:\n/)[0]!.trim();
}

function parseBinaryResponse(headerLength: string | null, body: ArrayBuffer): TritonTensor[] {
  const bytes = new Uint8Array(body);
  const jsonLength = headerLength === null ? bytes.byteLength : Number(headerLength);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, jsonLength))) as {
    outputs: {
      name: string;
      datatype: string;
      shape: number[];
      data?: number[];
      parameters?: { binary_data_size?: number };
    }[];
  };
  let at = jsonLength;
  return header.outputs.map((o) => {
    if (o.datatype !== 'FP32')
      throw new Error(`Output ${o.name} is ${o.datatype}; only FP32 outputs are decoded.`);
    const size = o.parameters?.binary_data_size;
    if (size === undefined)
      return { name: o.name, datatype: o.datatype, shape: o.shape, data: Float32Array.from(o.data ?? []) };
    const copy = bytes.slice(at, at + size);
    at += size;
    return { name: o.name, datatype: o.datatype, shape: o.shape, data: new Float32Array(copy.buffer) };
  });
}

function networkCause(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? 'unknown error';
}
