import type { CapabilityMatrix, ExportFormat } from '../../../electron/contract';

/**
 * Presentational text for the format cards, which the capability matrix does not carry. What a format is, which
 * options and precisions it takes, and whether it builds here all come from `capabilities:get`.
 */
interface FormatText {
  /** Shown only until the matrix has answered (it names every format itself). */
  name: string;
  summary: string;
  runsOn: string;
}

const TEXT: Record<ExportFormat, FormatText> = {
  onnx: {
    name: 'ONNX',
    summary: 'One portable graph for onnxruntime, Triton and most accelerators.',
    runsOn: 'CPU · GPU · Triton',
  },
  torchscript: {
    name: 'TorchScript',
    summary: 'A serialized PyTorch module for LibTorch and PyTorch Mobile.',
    runsOn: 'C++ · PyTorch',
  },
  openvino: {
    name: 'OpenVINO',
    summary: 'Intel’s IR for CPUs, iGPUs and NPUs.',
    runsOn: 'Intel CPU · GPU · NPU',
  },
  coreml: {
    name: 'Core ML',
    summary: 'An ML Program package for iOS and macOS, on the Neural Engine.',
    runsOn: 'iOS · macOS',
  },
  tflite: {
    name: 'TFLite',
    summary: 'LiteRT flatbuffers for Android and edge devices.',
    runsOn: 'Android · Edge TPU',
  },
  tensorrt: {
    name: 'TensorRT',
    summary: 'An engine compiled for one NVIDIA GPU.',
    runsOn: 'NVIDIA GPU · Jetson',
  },
};

/** Cards in a reading order (the most portable first); formats this table does not know go last. */
export function byCardOrder<T extends { id: string }>(formats: T[]): T[] {
  const order = Object.keys(TEXT);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  return [...formats].sort((a, b) => rank(a.id) - rank(b.id));
}

export function formatText(id: string): FormatText {
  return TEXT[id as ExportFormat] ?? { name: id, summary: '', runsOn: '' };
}

/** The format's name as the toolchain's formats table gives it (the renderer's own only until it has answered). */
export function formatName(matrix: CapabilityMatrix | null, id: string): string {
  const probed = matrix?.toolchainReady ? matrix.formats.find((f) => f.id === id)?.label : undefined;
  return probed ?? formatText(id).name;
}

/** Where the parity latency was measured: the format's runtime as the matrix names it. */
export function formatRuntime(matrix: CapabilityMatrix | null, id: string): string | null {
  return matrix?.formats.find((f) => f.id === id)?.runtime || null;
}
