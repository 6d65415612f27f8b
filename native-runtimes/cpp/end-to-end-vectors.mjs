// Conformance vectors for a model that runs NMS itself (Ultralytics' end-to-end output, [1, 300, 6] rows of x1, y1,
// x2, y2, score, class): the committed vectors have none, and no such model is made here, so the raw output is built
// from detect-bus's — the reference's own NMS result as rows, weak rows included, then zeros — and the expected
// predictions are the reference's postprocess of it, with metadata.json saying `nms_applied`. For `conformance
// --no-model` (post-processing only: the rows come from no model file).
import fs from 'node:fs';
import path from 'node:path';
import { register } from 'tsx/esm/api';

const ROWS = 300;
const CASES = [
  { name: 'detect-e2e-bus', options: { conf: 0.05, iou: 0.7, max_det: 300, agnostic: false, classes: null } },
  {
    name: 'detect-e2e-bus-filtered',
    options: { conf: 0.01, iou: 0.7, max_det: 5, agnostic: false, classes: [2] },
  },
];

/** Writes the vectors into `into` (models/detect-e2e, cases/<name>/, images → the committed ones); their names. */
export async function writeEndToEndVectors(vectors, into) {
  register();
  const { decodeDetections } = await import('../typescript/detect.ts');
  const { postprocess } = await import('../typescript/postprocess.ts');
  const { resolveModelInfo } = await import('../typescript/model-info.ts');
  const { letterboxTransform } = await import('../typescript/letterbox.ts');
  const { metadataForModelFile } = await import('../typescript/metadata.ts');

  const source = JSON.parse(fs.readFileSync(path.join(vectors, 'cases/detect-bus/case.json'), 'utf8'));
  const output = source.outputs[0];
  const bytes = fs.readFileSync(path.join(vectors, output.file));
  const raw = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const exported = JSON.parse(fs.readFileSync(path.join(vectors, 'models/detect/metadata.json'), 'utf8'));
  const metadata = metadataForModelFile(exported, 'model.onnx');
  metadata.postprocessing.decoder.nms_applied = true;
  metadata.outputs = [{ name: 'output0', shape: [1, ROWS, 6], dtype: 'float32' }];

  const detections = decodeDetections(raw, output.shape, {
    confThreshold: 0.001,
    iouThreshold: 0.7,
    maxDetections: ROWS,
    agnostic: false,
    numClasses: metadata.names.length,
  });
  const rows = new Float32Array(ROWS * 6);
  detections.forEach((d, i) => rows.set([...d.box, d.score, d.classId], i * 6));

  fs.mkdirSync(path.join(into, 'models/detect-e2e'), { recursive: true });
  fs.writeFileSync(path.join(into, 'models/detect-e2e/metadata.json'), JSON.stringify(metadata, null, 2));
  fs.symlinkSync(path.join(vectors, 'images'), path.join(into, 'images'));
  const info = resolveModelInfo({ metadataJson: metadata });
  const { width, height } = source.decoded;
  const transform = letterboxTransform(width, height, info.imgsz);
  for (const { name, options } of CASES) {
    const { predictions } = postprocess(
      { info, input: { task: 'detect', imgsz: info.imgsz, padValue: 114 }, outputNames: ['output0'] },
      {
        tensors: [{ data: rows, dims: [1, ROWS, 6] }],
        transform: { kind: 'letterbox', ...transform },
        sourceWidth: width,
        sourceHeight: height,
      },
      {
        conf: options.conf,
        iou: options.iou,
        maxDet: options.max_det,
        agnostic: options.agnostic,
        classes: options.classes ?? undefined,
      },
    );
    if (predictions.length === 0)
      throw new Error(`${name}: the reference found nothing, so nothing would be compared`);
    const file = `cases/${name}/output0.bin`;
    fs.mkdirSync(path.join(into, 'cases', name), { recursive: true });
    fs.writeFileSync(path.join(into, file), Buffer.from(rows.buffer));
    const outputs = [{ name: 'output0', shape: [1, ROWS, 6], dtype: 'float32', file }];
    const testCase = { ...source, name, model: 'models/detect-e2e', outputs, options, predictions };
    fs.writeFileSync(path.join(into, 'cases', name, 'case.json'), JSON.stringify(testCase, null, 2));
  }
  return CASES.map((c) => c.name);
}
