import type { OnnxElemType, OnnxModelSummary, OnnxTensorInfo } from '@edgepack/runtime';
import { metadataParameter, pbtxtString, type TritonModelFacts } from './triton-metadata';

/** How Triton runs the model: its ONNX Runtime backend (production image), or a Python-backend model that runs
 * the same ONNX on onnxruntime (the tritonserver bundled with nvidia-pytriton ships only the Python backend). */
export type TritonModelBackend = 'onnxruntime' | 'python';

export interface TritonConfigOptions {
  modelName: string;
  summary: OnnxModelSummary;
  backend: TritonModelBackend;
  /** Model instances per Triton server (the deployment's replicas). */
  instances: number;
  /** Largest batch the dynamic batcher may form when the model's batch dimension is free. */
  maxBatchSize?: number;
  maxQueueDelayMicroseconds?: number;
  /** Names, input size and task for Ultralytics' Triton client (the `metadata` parameter); none leaves it out. */
  facts?: TritonModelFacts | null;
}

const TRITON_TYPES: Record<OnnxElemType, string> = {
  FLOAT: 'TYPE_FP32',
  FLOAT16: 'TYPE_FP16',
  BFLOAT16: 'TYPE_BF16',
  DOUBLE: 'TYPE_FP64',
  UINT8: 'TYPE_UINT8',
  UINT16: 'TYPE_UINT16',
  UINT32: 'TYPE_UINT32',
  UINT64: 'TYPE_UINT64',
  INT8: 'TYPE_INT8',
  INT16: 'TYPE_INT16',
  INT32: 'TYPE_INT32',
  INT64: 'TYPE_INT64',
  BOOL: 'TYPE_BOOL',
  STRING: 'TYPE_STRING',
  UNKNOWN: 'TYPE_INVALID',
};

export interface TritonTensorConfig {
  name: string;
  dataType: string;
  dims: number[];
}

export interface TritonModelConfig {
  name: string;
  backend: TritonModelBackend;
  maxBatchSize: number;
  inputs: TritonTensorConfig[];
  outputs: TritonTensorConfig[];
  dynamicBatching: { maxQueueDelayMicroseconds: number } | null;
  instances: number;
  facts: TritonModelFacts | null;
}

/**
 * Derives Triton's model configuration from the ONNX graph. A free (symbolic) leading batch dimension lets
 * Triton batch requests (max_batch_size > 0, dims without the batch); a fixed batch of one means
 * max_batch_size 0 and full dims for the ONNX Runtime backend. The Python-backend model splits batches itself,
 * so it always batches.
 */
export function tritonModelConfig(options: TritonConfigOptions): TritonModelConfig {
  const { summary } = options;
  if (summary.inputs.length === 0 || summary.outputs.length === 0) {
    throw new Error('The ONNX graph declares no inputs or no outputs.');
  }
  const unknown = [...summary.inputs, ...summary.outputs].find((t) => t.elemType === 'UNKNOWN');
  if (unknown) throw new Error(`Tensor "${unknown.name}" has an element type Triton cannot serve.`);
  const freeBatch =
    summary.inputs.every((t) => isFree(t.shape[0])) && summary.outputs.every((t) => isFree(t.shape[0]));
  const batching = options.backend === 'python' || freeBatch;
  const maxBatchSize = batching ? (options.maxBatchSize ?? 8) : 0;
  const tensor = (t: OnnxTensorInfo): TritonTensorConfig => ({
    name: t.name,
    dataType: TRITON_TYPES[t.elemType],
    dims: (batching ? t.shape.slice(1) : t.shape).map((d) => (typeof d === 'number' && d > 0 ? d : -1)),
  });
  return {
    name: options.modelName,
    backend: options.backend,
    maxBatchSize,
    inputs: summary.inputs.map(tensor),
    outputs: summary.outputs.map(tensor),
    dynamicBatching: batching
      ? { maxQueueDelayMicroseconds: options.maxQueueDelayMicroseconds ?? 500 }
      : null,
    instances: Math.max(1, options.instances),
    facts: options.facts ?? null,
  };
}

/** Renders config.pbtxt (protobuf text format of inference.ModelConfig); every string is escaped for it. */
export function renderConfigPbtxt(config: TritonModelConfig): string {
  const tensors = (items: TritonTensorConfig[]) =>
    items
      .map(
        (t) =>
          `  {\n    name: ${pbtxtString(t.name)}\n    data_type: ${t.dataType}\n    dims: [ ${t.dims.join(', ')} ]\n  }`,
      )
      .join(',\n');
  const lines = [
    `name: ${pbtxtString(config.name)}`,
    config.backend === 'onnxruntime' ? 'platform: "onnxruntime_onnx"' : 'backend: "python"',
    `max_batch_size: ${config.maxBatchSize}`,
    'version_policy: { latest: { num_versions: 1 } }',
    `input [\n${tensors(config.inputs)}\n]`,
    `output [\n${tensors(config.outputs)}\n]`,
    `instance_group [\n  {\n    count: ${config.instances}\n    kind: KIND_CPU\n  }\n]`,
  ];
  if (config.dynamicBatching) {
    lines.push(
      `dynamic_batching {\n  max_queue_delay_microseconds: ${config.dynamicBatching.maxQueueDelayMicroseconds}\n}`,
    );
  }
  const text = `${lines.join('\n')}\n`;
  return config.facts ? text + metadataParameter(config.facts) : text;
}

function isFree(dim: number | string | undefined): boolean {
  return typeof dim === 'string' || (typeof dim === 'number' && dim <= 0);
}
