// Conformance vectors for a model that runs NMS itself (Ultralytics' end-to-end output, [1, 300, 6] rows of x1, y1,
// x2, y2, score, class): the committed vectors have none, and no such model is made here, so the rows are built from
// detect-bus's raw output (each anchor's best class, strongest first), metadata.json says `nms_applied`, and the
// expected predictions are the reference's answer for those rows (native-runtimes/conformance/reference.ts
// postprocess). For `conformance --no-model` (post-processing only: the rows come from no model file).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROWS = 300;
const CASES = [
  { name: 'detect-e2e-bus', options: { conf: 0.05, iou: 0.7, max_det: 300, agnostic: false, classes: null } },
  {
    name: 'detect-e2e-bus-filtered',
    options: { conf: 0.01, iou: 0.7, max_det: 5, agnostic: false, classes: [2] },
  },
];

/** The strongest anchors of a [1, 4 + classes, anchors] output as end-to-end rows (zeros after them). */
function endToEndRows(raw, [, channels, anchors]) {
  const best = [];
  for (let a = 0; a < anchors; a++) {
    let score = -Infinity;
    let classId = 0;
    for (let c = 0; c < channels - 4; c++) {
      if (raw[(4 + c) * anchors + a] > score) [score, classId] = [raw[(4 + c) * anchors + a], c];
    }
    const [cx, cy, w, h] = [0, 1, 2, 3].map((i) => raw[i * anchors + a]);
    best.push([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, classId]);
  }
  best.sort((x, y) => y[4] - x[4]);
  const rows = new Float32Array(ROWS * 6);
  best.slice(0, ROWS).forEach((row, i) => rows.set(row, i * 6));
  return rows;
}

function referencePredictions(repo, metadata, image, outputs, options) {
  const args = ['postprocess', '--metadata', metadata, '--image', image, '--outputs', outputs, '--json'];
  args.push(
    '--conf',
    String(options.conf),
    '--iou',
    String(options.iou),
    '--max-det',
    String(options.max_det),
  );
  if (options.classes) args.push('--classes', options.classes.join(','));
  const script = path.join(repo, 'native-runtimes/conformance/reference.ts');
  const r = spawnSync(process.execPath, [path.join(repo, 'bin/run-ts.mjs'), script, ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`reference.ts postprocess failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout).predictions;
}

/** Writes the vectors into `into` (models/detect-e2e, cases/<name>/, images → the committed ones); their names. */
export function writeEndToEndVectors(repo, vectors, into) {
  const source = JSON.parse(fs.readFileSync(path.join(vectors, 'cases/detect-bus/case.json'), 'utf8'));
  const output = source.outputs[0];
  const bytes = fs.readFileSync(path.join(vectors, output.file));
  const raw = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const rows = endToEndRows(raw, output.shape);

  const metadata = JSON.parse(fs.readFileSync(path.join(vectors, 'models/detect/metadata.json'), 'utf8'));
  delete metadata.formats;
  metadata.postprocessing.decoder.nms_applied = true;
  metadata.outputs = [{ name: 'output0', shape: [1, ROWS, 6], dtype: 'float32' }];
  const metadataFile = path.join(into, 'models/detect-e2e/metadata.json');
  fs.mkdirSync(path.dirname(metadataFile), { recursive: true });
  fs.writeFileSync(metadataFile, JSON.stringify(metadata, null, 2));
  fs.symlinkSync(path.join(vectors, 'images'), path.join(into, 'images'));

  for (const { name, options } of CASES) {
    const file = `cases/${name}/output0.bin`;
    fs.mkdirSync(path.join(into, 'cases', name), { recursive: true });
    fs.writeFileSync(path.join(into, file), Buffer.from(rows.buffer));
    const image = path.join(vectors, source.image);
    const predictions = referencePredictions(repo, metadataFile, image, path.join(into, file), options);
    if (predictions.length === 0)
      throw new Error(`${name}: the reference found nothing, so nothing would be compared`);
    const outputs = [{ name: 'output0', shape: [1, ROWS, 6], dtype: 'float32', file }];
    const testCase = { ...source, name, model: 'models/detect-e2e', outputs, options, predictions };
    fs.writeFileSync(path.join(into, 'cases', name, 'case.json'), JSON.stringify(testCase, null, 2));
  }
  return CASES.map((c) => c.name);
}
