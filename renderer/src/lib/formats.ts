import { FORMAT_IDS, FORMATS, type CapabilityMatrix, type ExportFormat } from '../../../electron/contract';

/**
 * Presentational text for the format cards, which the capability matrix does not carry. What a format is, which
 * options and precisions it takes, and whether it builds here all come from `capabilities:get`; its name, until the
 * matrix has answered, from the trainers' formats table (generated into the contract).
 */
interface FormatText {
  name: string;
  summary: string;
  runsOn: string;
}

const TEXT: Record<ExportFormat, Omit<FormatText, 'name'>> = {
  onnx: {
    summary: 'One portable graph for onnxruntime, Triton and most accelerators.',
    runsOn: 'CPU · GPU · Triton',
  },
  torchscript: {
    summary: 'A serialized PyTorch module for LibTorch and PyTorch Mobile.',
    runsOn: 'C++ · PyTorch',
  },
  openvino: {
    summary: 'Intel’s IR for CPUs, iGPUs and NPUs.',
    runsOn: 'Intel CPU · GPU · NPU',
  },
  coreml: {
    summary: 'An ML Program package for iOS and macOS, on the Neural Engine.',
    runsOn: 'iOS · macOS',
  },
  tflite: {
    summary: 'LiteRT flatbuffers for Android and edge devices.',
    runsOn: 'Android · Edge TPU',
  },
  tensorrt: {
    summary: 'An engine compiled for one NVIDIA GPU.',
    runsOn: 'NVIDIA GPU · Jetson',
  },
};

/** Cards in the formats table's order (the most portable first); formats it does not know go last. */
export function byCardOrder<T extends { id: string }>(formats: T[]): T[] {
  const order: readonly string[] = FORMAT_IDS;
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  return [...formats].sort((a, b) => rank(a.id) - rank(b.id));
}

export function formatText(id: string): FormatText {
  const known = FORMATS[id as ExportFormat];
  return known ? { name: known.label, ...TEXT[id as ExportFormat] } : { name: id, summary: '', runsOn: '' };
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
