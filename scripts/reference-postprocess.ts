// The reference runtime's post-processing of raw outputs given as files: what the Python wrapper's tests compare its
// OpenVINO and LiteRT predictions with (each back end's own raw outputs, decoded by the reference).
// `node bin/run-ts.mjs scripts/reference-postprocess.ts request.json` prints one predictions list per item:
// request = {metadata, format, items: [{width, height, outputs: [{file, shape}], options}]}, outputs float32 LE.
import fs from 'node:fs';
import { centerCropTransform } from '../native-runtimes/typescript/classify';
import {
  letterboxTransform,
  metadataForFormat,
  postprocess,
  resolveModelInfo,
  type FloatTensor,
  type PostprocessOptions,
} from '../native-runtimes/typescript/index';

interface Item {
  width: number;
  height: number;
  outputs: { file: string; shape: number[] }[];
  options: PostprocessOptions;
}

const [requestPath] = process.argv.slice(2);
if (!requestPath) {
  console.error('usage: reference-postprocess.ts request.json');
  process.exit(2);
}
const request = JSON.parse(fs.readFileSync(requestPath, 'utf8')) as {
  metadata: string;
  format: string;
  items: Item[];
};
const document = metadataForFormat(JSON.parse(fs.readFileSync(request.metadata, 'utf8')), request.format);
if (!document) throw new Error(`${request.metadata} has no ${request.format} document`);
const info = resolveModelInfo({ metadataJson: document });

const answers = request.items.map((item) => {
  const tensors: FloatTensor[] = item.outputs.map((o) => {
    const bytes = fs.readFileSync(o.file);
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength); // 4-byte aligned
    return { data: new Float32Array(copy), dims: o.shape };
  });
  const transform =
    info.task === 'classify'
      ? { kind: 'center_crop' as const, ...centerCropTransform(item.width, item.height, info.imgsz) }
      : { kind: 'letterbox' as const, ...letterboxTransform(item.width, item.height, info.imgsz) };
  const ready = {
    info,
    input: { task: info.task, imgsz: info.imgsz, padValue: info.padValue },
    outputNames: [],
  };
  const raw = { tensors, transform, sourceWidth: item.width, sourceHeight: item.height };
  return postprocess(ready, raw, item.options).predictions;
});
process.stdout.write(JSON.stringify(answers));
