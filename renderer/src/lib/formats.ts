import type { ExportFormat } from '../../../electron/contract';

export interface FormatInfo {
  id: ExportFormat;
  name: string;
  summary: string;
  runsOn: string;
  quality: 'excellent' | 'good' | 'fair';
  /** False until the toolchain can build and check it; shown as "coming". */
  available: boolean;
}

/** The wizard's format cards. Quality levels follow the seed's capability matrix for Ultralytics models. */
export const FORMATS: FormatInfo[] = [
  {
    id: 'onnx',
    name: 'ONNX',
    summary: 'One portable graph for onnxruntime, Triton and most accelerators.',
    runsOn: 'CPU · GPU · Triton',
    quality: 'excellent',
    available: true,
  },
  {
    id: 'torchscript',
    name: 'TorchScript',
    summary: 'A serialized PyTorch module for LibTorch and PyTorch Mobile.',
    runsOn: 'C++ · PyTorch',
    quality: 'excellent',
    available: false,
  },
  {
    id: 'openvino',
    name: 'OpenVINO',
    summary: 'Intel’s IR for CPUs, iGPUs and NPUs, with INT8.',
    runsOn: 'Intel CPU · GPU · NPU',
    quality: 'excellent',
    available: false,
  },
  {
    id: 'coreml',
    name: 'Core ML',
    summary: 'An ML Program for iOS and macOS, on the Neural Engine.',
    runsOn: 'iOS · macOS',
    quality: 'good',
    available: false,
  },
  {
    id: 'tflite',
    name: 'TFLite',
    summary: 'LiteRT flatbuffers for Android and microcontrollers.',
    runsOn: 'Android · Edge TPU',
    quality: 'good',
    available: false,
  },
  {
    id: 'tensorrt',
    name: 'TensorRT',
    summary: 'An engine compiled for one NVIDIA GPU; built on the target.',
    runsOn: 'NVIDIA GPU · Jetson',
    quality: 'fair',
    available: false,
  },
];

export function formatName(id: string): string {
  return FORMATS.find((f) => f.id === id)?.name ?? id;
}
