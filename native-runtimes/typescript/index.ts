/**
 * The reference runtime: image decode, letterbox, tensors, decoders and NMS, model facts, the ONNX metadata reader,
 * post-processing and the prediction types, shared by the app's preview and the platform service.
 */
export * from './errors';
export * from './image';
export * from './decode';
export * from './resize';
export * from './letterbox';
export * from './tensor';
export * from './boxes';
export * from './nms';
export * from './detect';
export * from './python-literal';
export * from './onnx-proto';
export * from './model-info';
export * from './metadata';
export * from './preprocess';
export * from './output-tensor';
export * from './io-tensors';
export * from './predictions';
export * from './postprocess';
export * from './session-options';
export * from './tasks';
export * from './conformance-format';
export * from './conformance-model';
export * from './conformance-case';
export * from './conformance-files';
