/** Image decode, letterbox, tensors, decoders and NMS, shared by the app's preview and the platform service. */
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
export * from './preprocess';
export * from './output-tensor';
