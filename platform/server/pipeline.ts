import { performance } from 'node:perf_hooks';
import type { ModelInfo, OutputTensor } from '@edgepack/runtime';
import { decodeImage } from '@edgepack/runtime';
import { postprocess, type Postprocessed } from '@edgepack/runtime/postprocess';
import type { PostprocessOptions } from '@edgepack/runtime/predictions';
import { prepareInput, type InputFacts } from '@edgepack/runtime/preprocess';
import type { InputTensor } from '../backends/types';
import type { ServingFacts } from '../store/types';

export interface ServedModel {
  info: ModelInfo;
  serving: ServingFacts;
}

export interface PipelineResult extends Postprocessed {
  width: number;
  height: number;
  timing: {
    decodeMs: number;
    preprocessMs: number;
    inferenceMs: number;
    postprocessMs: number;
    totalMs: number;
  };
}

/**
 * Image bytes → predictions, exactly as `edgepack predict` and the app's playground do it (the same preprocessing
 * and the same post-processing module); `infer` runs the model wherever it is served.
 */
export async function runPipeline(
  image: Uint8Array,
  model: ServedModel,
  infer: (input: InputTensor) => Promise<OutputTensor[]>,
  options: PostprocessOptions,
  maxPixels?: number,
): Promise<PipelineResult> {
  const { info, serving } = model;
  const started = performance.now();
  const decoded = await decodeImage(image, { maxPixels });
  const decodedAt = performance.now();
  const facts: InputFacts = {
    task: info.task,
    imgsz: serving.inputShape,
    padValue: serving.spec.padValue,
    preprocess: serving.spec,
  };
  const input = prepareInput(decoded, facts);
  const preparedAt = performance.now();
  const outputs = await infer({ name: info.inputName ?? 'images', data: input.tensor, dims: input.dims });
  const inferredAt = performance.now();
  const result = postprocess(
    { info, input: facts, outputNames: serving.outputNames },
    {
      tensors: outputs.map((o) => ({ data: o.data, dims: [...o.dims] })),
      transform: input.transform,
      sourceWidth: decoded.width,
      sourceHeight: decoded.height,
    },
    options,
  );
  const finishedAt = performance.now();
  return {
    ...result,
    width: decoded.width,
    height: decoded.height,
    timing: {
      decodeMs: decodedAt - started,
      preprocessMs: preparedAt - decodedAt,
      inferenceMs: inferredAt - preparedAt,
      postprocessMs: finishedAt - inferredAt,
      totalMs: finishedAt - started,
    },
  };
}
