/**
 * Builds one conformance vector (native-runtimes/conformance/README.md) with the reference's own functions: decode as
 * cv2.imread, prepareInput, the model run by ConformanceModel (ONNX Runtime, the preview's options), postprocess. Knows nothing of where the
 * files go: the caller writes `files` (paths relative to the vectors' folder) and case.json — the repository's
 * generator, and the bundle builder for a model's own vectors.
 */
import type { CaseOptions, ConformanceCase, TensorDtype } from './conformance-format';
import { sha256Hex, tensorBytes } from './conformance-format';
import type { ConformanceModel } from './conformance-model';
import { decodeImage, type DecodedImage } from './decode';
import { VisionError } from './errors';
import { inputTensor, outputTensor, type WireTensor } from './io-tensors';
import { postprocess, type Postprocessed } from './postprocess';
import type { PostprocessOptions } from './predictions';
import { prepareInput, type InputTransform, type PreparedInput } from './preprocess';
import { loadSharp } from './sharp';

export interface ConformanceCaseRequest {
  name: string;
  /** Relative to the vectors' folder, e.g. `images/bus.jpg`. */
  imagePath: string;
  imageBytes: Uint8Array;
  /** Thresholds; what is left out is metadata.json's (classify: top 5). */
  options?: PostprocessOptions;
  /** The model's raw outputs, in its output order, instead of running it (to rebuild a case from its .bin files). */
  outputs?: WireTensor[];
}

export interface BuiltConformanceCase {
  caseJson: ConformanceCase;
  /** decoded.png and the outputs' .bin files, by path relative to the vectors' folder. */
  files: Map<string, Uint8Array>;
}

/** One case: decoded pixels, placement, input tensor, raw outputs (run now, or given) and the predictions. */
export async function buildConformanceCase(
  model: ConformanceModel,
  request: ConformanceCaseRequest,
): Promise<BuiltConformanceCase> {
  const { name } = request;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new Error(
      `"${name}" cannot name a case: it becomes a folder, cases/<name>/. Use letters, digits, . _ -.`,
    );
  }
  const decoded = await decodeImage(request.imageBytes);
  const prepared = prepareInput(decoded, model.ready.input);
  const feed = inputTensor(prepared.tensor, [...prepared.dims], model.inputType);
  const raw = request.outputs ?? (await model.run(feed));
  const { outputNames } = model.ready;
  const result = postprocessOutputs(model, prepared.transform, decoded, raw, request.options ?? {});
  const folder = `cases/${name}`;
  const files = new Map<string, Uint8Array>();
  files.set(`${folder}/decoded.png`, await losslessPng(decoded));
  const outputs = raw.map((tensor, i) => {
    const outputName = outputNames[i]!;
    const file = `${folder}/${fileSafe(outputName)}.bin`;
    const bytes = tensorBytes(tensor);
    files.set(file, bytes);
    return { name: outputName, shape: tensor.dims, dtype: dtypeOf(tensor), file, sha256: sha256Hex(bytes) };
  });
  const options: CaseOptions = {
    conf: result.options.conf,
    iou: result.options.iou,
    max_det: result.options.maxDet,
    agnostic: result.options.agnostic,
    classes: request.options?.classes ?? null,
    top_k: request.options?.topK ?? 5,
  };
  const caseJson: ConformanceCase = {
    name,
    task: model.ready.info.task,
    model: model.path,
    image: request.imagePath,
    decoded: {
      width: decoded.width,
      height: decoded.height,
      png: `${folder}/decoded.png`,
      sha256: sha256Hex(decoded.data),
    },
    preprocess: placement(prepared, model.ready.input.padValue),
    input: {
      name: model.inputName,
      shape: [...prepared.dims],
      dtype: model.inputType,
      layout: 'NCHW',
      sha256: sha256Hex(tensorBytes(feed)),
      sum: prepared.tensor.reduce((sum, v) => sum + v, 0),
      samples: sampleIndices(prepared).map((i) => [i, prepared.tensor[i]!]),
    },
    outputs,
    options,
    predictions: result.predictions,
  };
  return { caseJson, files };
}

/**
 * The reference's predictions from raw outputs (in the model's output order), for an image of `size` placed by
 * `transform` — however those outputs were produced (this runtime, or another runtime's back end).
 */
export function postprocessOutputs(
  model: ConformanceModel,
  transform: InputTransform,
  size: { width: number; height: number },
  raw: WireTensor[],
  options: PostprocessOptions,
): Postprocessed {
  const { outputNames } = model.ready;
  if (raw.length !== outputNames.length) {
    throw new VisionError(
      'UNSUPPORTED_MODEL_OUTPUT',
      `${raw.length} raw outputs given; the model has ${outputNames.length} (${outputNames.join(', ')}).`,
      'Give one raw output per model output, in the model’s order.',
    );
  }
  return postprocess(
    model.ready,
    {
      tensors: raw.map((t, i) => outputTensor(outputNames[i]!, t)),
      transform,
      sourceWidth: size.width,
      sourceHeight: size.height,
    },
    options,
  );
}

/** Where the image sits in the model input, as case.json's `preprocess` says it. */
export function placement(prepared: PreparedInput, padValue: number): ConformanceCase['preprocess'] {
  const t = prepared.transform;
  const [inputHeight, inputWidth] = t.targetShape;
  if (t.kind === 'center_crop') {
    return {
      mode: 'shortest_edge_center_crop',
      input_width: inputWidth,
      input_height: inputHeight,
      resized_width: t.resizedWidth,
      resized_height: t.resizedHeight,
      crop: { left: t.left, top: t.top },
    };
  }
  return {
    mode: 'letterbox',
    input_width: inputWidth,
    input_height: inputHeight,
    resized_width: t.resizedWidth,
    resized_height: t.resizedHeight,
    pad: { top: t.top, bottom: t.bottom, left: t.left, right: t.right },
    pad_value: padValue,
  };
}

/** A few tensor positions to compare first when a checksum differs: corners, the picture's first pixel, centres. */
function sampleIndices(prepared: PreparedInput): number[] {
  const [, channels, height, width] = prepared.dims;
  const plane = height * width;
  const t = prepared.transform;
  const firstPicturePixel = t.kind === 'letterbox' ? t.top * width + t.left : 0;
  const centre = Math.floor(height / 2) * width + Math.floor(width / 2);
  const indices = [0, firstPicturePixel, centre, plane + centre, 2 * plane + centre, channels * plane - 1];
  return [...new Set(indices)].sort((a, b) => a - b);
}

function dtypeOf(tensor: WireTensor): TensorDtype {
  if (tensor.type === 'float32' || tensor.type === 'float16') return tensor.type;
  throw new VisionError(
    'UNSUPPORTED_MODEL_OUTPUT',
    `A raw output holds ${tensor.type} values; the conformance vectors carry float32 or float16 outputs.`,
    'Export the model with float outputs (Ultralytics exports do).',
  );
}

/** An output name as a file name: letters, digits, '.', '_' and '-' kept, anything else '_'. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The decoded pixels as an 8-bit RGB PNG: what runtimes that cannot decode JPEG as libjpeg-turbo start from. */
async function losslessPng(image: DecodedImage): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
