/** One model output as a backend returns it (ONNX Runtime in-process or Triton over HTTP). */
export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}
