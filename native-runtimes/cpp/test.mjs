#!/usr/bin/env node
// The C++ wrapper's suite (`npm run test:runtimes -- cpp`): builds it with -Wall -Wextra -Werror against ONNX
// Runtime's headers (onnxruntime-sdk.mjs) and onnxruntime-node's library, runs every conformance vector, requires
// `example --json` to print byte for byte what `edgepack predict --json` prints for real photos and fixture scenes
// (every task, conf 0.01 so the tiny fixture models find something on photos), and checks the bad inputs' errors.
// Needs the apt packages cmake, g++, libopencv-dev, nlohmann-json3-dev. Caches under <cache>/edgepack/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { runtimesPython } from '../../scripts/runtimes-python.mjs';
import { writeEndToEndVectors } from './end-to-end-vectors.mjs';
import { runWithFreshHome } from '../../tests/support/onnxruntime-telemetry.mjs';
import { buildCppWrapper, mustRun, run } from './build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const vectors = path.join(repo, 'native-runtimes/conformance');
const TASKS = ['detect', 'segment', 'classify', 'pose'];
const IMAGES = [
  'native-runtimes/typescript/test-images/bus.jpg',
  'native-runtimes/typescript/test-images/zidane.jpg',
  'native-runtimes/typescript/test-images/icc-adobe-rgb.jpg',
  'native-runtimes/typescript/test-images/cmyk-adobe.jpg',
  'tests/fixtures/images/shapes-1.png',
  'tests/fixtures/images/triangles-1.png',
  'tests/fixtures/images/circle.png',
].map((p) => path.join(repo, p));

/** A PNG claiming width × height (8-bit RGB) whose image data is a few bytes: a pixel bomb's header. */
function pngHeaderOnly(width, height) {
  const chunk = (name, data) => {
    const type = Buffer.from(name);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([type, data])));
    return Buffer.concat([length, type, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error.message}`);
  }
}

function expectFailure(r, ...needles) {
  const text = `${r.stdout}${r.stderr}`;
  if (r.status !== 1) throw new Error(`exit ${r.status ?? r.signal}, expected 1; printed:\n${text}`);
  const missing = needles.filter((n) => !text.includes(n));
  if (missing.length) throw new Error(`the error does not say ${JSON.stringify(missing)}; it says:\n${text}`);
}

/** What `edgepack predict --json` prints for these images, as the example prints it (image, task, predictions). */
function predictDocument(model, images) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-cpp-predict-'));
  try {
    const r = mustRun(
      process.execPath,
      [path.join(repo, 'bin/edgepack.mjs'), 'predict', model, ...images, '--json', '--conf', '0.01'],
      {
        env: { ...process.env, EDGEPACK_HOME: home },
      },
    );
    const results = JSON.parse(r.stdout).results.map((x) => {
      if (x.error) throw new Error(`predict failed on ${x.image.path}: ${x.error.message}`);
      const { path: file, name, width, height } = x.image;
      return { image: { path: file, name, width, height }, task: x.task, predictions: x.predictions };
    });
    return `${JSON.stringify({ results }, null, 2)}\n`;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function firstDifference(a, b) {
  const lines = [a.split('\n'), b.split('\n')];
  const i = lines[0].findIndex((line, n) => line !== lines[1][n]);
  return `line ${i + 1}: ${JSON.stringify(lines[0][i])} vs predict's ${JSON.stringify(lines[1][i])}`;
}

/** A copy of one case whose expected predictions are off by one in the last digit: the runner must catch it. */
function tamperedVectors(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-cpp-tampered-'));
  for (const entry of ['models', 'images']) fs.symlinkSync(path.join(vectors, entry), path.join(dir, entry));
  const from = path.join(vectors, 'cases', name);
  const to = path.join(dir, 'cases', name);
  fs.cpSync(from, to, { recursive: true });
  const c = JSON.parse(fs.readFileSync(path.join(to, 'case.json'), 'utf8'));
  c.predictions[0].confidence = Math.round(c.predictions[0].confidence * 1e5 + 1) / 1e5;
  fs.writeFileSync(path.join(to, 'case.json'), JSON.stringify(c));
  return dir;
}

const bin = buildCppWrapper();
const modelOf = (task) => path.join(vectors, 'models', task, 'model.onnx');
const metadataOf = (task) => path.join(vectors, 'models', task, 'metadata.json');
const example = (...args) => run(bin.example, args);

await check(
  'conformance: every vector (decode, letterbox/crop, input tensor, post-processing, end to end)',
  () => {
    const cases = JSON.parse(fs.readFileSync(path.join(vectors, 'index.json'), 'utf8')).cases;
    const r = run(bin.conformance, [vectors]);
    console.log(r.stdout.trimEnd().replace(/^/gm, '     '));
    if (r.status !== 0 || !r.stdout.includes(`${cases.length} of ${cases.length} conformance cases passed`)) {
      throw new Error(`the runner exited ${r.status} ${r.stderr}`);
    }
  },
);

await check(
  "decoding: every JPEG and PNG layout gives cv2.imread's pixels (subsampling, progressive, grey, CMYK, EXIF 1–8, alpha, palette, 16-bit)",
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-cpp-decode-'));
    try {
      const oracle = mustRun(runtimesPython(), [path.join(here, 'decode_variants.py'), IMAGES[0], dir]);
      const expected = JSON.parse(oracle.stdout);
      const r = run(bin.conformance, ['--decode', ...expected.map((e) => e.file)]);
      const got = r.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const wrong = expected.filter((e, i) => {
        const g = got[i] ?? {};
        return g.sha256 !== e.sha256 || g.width !== e.width || g.height !== e.height;
      });
      const names = wrong.map((e) => `${path.basename(e.file)} ${JSON.stringify(got[expected.indexOf(e)])}`);
      if (wrong.length) throw new Error(`pixels differ from cv2.imread's for:\n${names.join('\n')}`);
      console.log(`     ${expected.length} files, every one equal to cv2.imread`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

await check('conformance: a vector whose expected predictions are off in the last digit fails', () => {
  const name = JSON.parse(fs.readFileSync(path.join(vectors, 'index.json'), 'utf8')).cases[0];
  const dir = tamperedVectors(name);
  try {
    expectFailure(
      run(bin.conformance, [dir, name]),
      `FAIL ${name}`,
      'post-processing of the committed outputs',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

await check('conformance: end-to-end outputs (NMS in the model), post-processing only', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-cpp-e2e-'));
  try {
    const names = writeEndToEndVectors(repo, vectors, dir);
    const r = run(bin.conformance, ['--no-model', dir, ...names]);
    console.log(r.stdout.trimEnd().replace(/^/gm, '     '));
    if (r.status !== 0) throw new Error(`the runner exited ${r.status} ${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const task of TASKS) {
  await check(
    `example --json equals edgepack predict --json (${task}, ${IMAGES.length} images, conf 0.01)`,
    () => {
      const expected = predictDocument(modelOf(task), IMAGES);
      const r = mustRun(bin.example, [
        modelOf(task),
        metadataOf(task),
        ...IMAGES,
        '--json',
        '--conf',
        '0.01',
      ]);
      if (r.stdout !== expected) throw new Error(firstDifference(r.stdout, expected));
      const found = JSON.parse(expected).results.map((x) => x.predictions.length);
      if (found.every((n) => n === 0)) throw new Error('no predictions on any image: nothing was compared');
      console.log(`     predictions per image: ${found.join(', ')}`);
    },
  );
}

await check('example --repeat prints the median milliseconds of every stage', () => {
  const r = mustRun(bin.example, [modelOf('detect'), metadataOf('detect'), IMAGES[0], '--repeat', '3']);
  const { median_ms: ms } = JSON.parse(r.stdout);
  for (const stage of ['decode', 'preprocess', 'inference', 'postprocess']) {
    if (!(ms[stage] >= 0) || !(ms.inference > 0)) throw new Error(`no ${stage} time in ${r.stdout}`);
  }
  console.log(`     ${JSON.stringify(ms)}`);
});

await check(
  "ONNX Runtime sends no telemetry from the example; ORT_DISABLE_TELEMETRY=0 (a person's choice) turns it on",
  () => {
    const args = [modelOf('detect'), metadataOf('detect'), IMAGES[0], '--json'];
    const off = runWithFreshHome(bin.example, args, { ORT_DISABLE_TELEMETRY: undefined });
    if (off.r.status !== 0) throw new Error(`example failed:\n${off.r.stderr}`);
    if (off.traces.length) throw new Error(`telemetry ran: ${off.traces.join(', ')}`);
    const on = runWithFreshHome(bin.example, args, { ORT_DISABLE_TELEMETRY: '0' });
    if (on.r.status !== 0) throw new Error(`example failed:\n${on.r.stderr}`);
    if (!on.traces.some((p) => p.endsWith('deviceid'))) {
      throw new Error(
        `with ORT_DISABLE_TELEMETRY=0 no device id was written (${on.traces.join(', ') || 'nothing'}): this check could not see telemetry`,
      );
    }
  },
);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-cpp-bad-'));
/** A folder holding the detect model and this metadata.json text. */
function bundleWith(name, metadataText) {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  fs.symlinkSync(modelOf('detect'), path.join(dir, 'model.onnx'));
  if (metadataText !== null) fs.writeFileSync(path.join(dir, 'metadata.json'), metadataText);
  return dir;
}
const detectMetadata = () => JSON.parse(fs.readFileSync(metadataOf('detect'), 'utf8'));
function withoutFormats(edit) {
  const m = detectMetadata();
  delete m.formats;
  edit(m);
  return JSON.stringify(m);
}

await check('bad input: a non-image names the file', () => {
  const file = path.join(scratch, 'notes.jpg');
  fs.writeFileSync(file, 'not an image\n');
  expectFailure(example(modelOf('detect'), metadataOf('detect'), file), file, 'is not a JPEG or PNG image');
});
await check(
  'bad input: a JPEG cut before its image and a pixel bomb (8000×8000 header) name the file and why',
  () => {
    const cut = path.join(scratch, 'cut.jpg');
    fs.writeFileSync(cut, fs.readFileSync(IMAGES[0]).subarray(0, 100)); // before its frame header: cv2.imread gives None too
    expectFailure(example(modelOf('detect'), metadataOf('detect'), cut), cut, 'could not be decoded');
    const bomb = path.join(scratch, 'bomb.png');
    fs.writeFileSync(bomb, pngHeaderOnly(8000, 8000));
    expectFailure(
      example(modelOf('detect'), metadataOf('detect'), bomb),
      bomb,
      'above the 40 megapixel limit',
    );
  },
);
await check('bad input: a file that is not an ONNX model names the file', () => {
  const dir = path.join(scratch, 'not-onnx');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'model.onnx'), 'not a model\n');
  fs.copyFileSync(metadataOf('detect'), path.join(dir, 'metadata.json'));
  expectFailure(
    example(path.join(dir, 'model.onnx'), IMAGES[0]),
    path.join(dir, 'model.onnx'),
    'is not an ONNX model',
  );
});
await check('bad input: a missing image names the path', () => {
  expectFailure(
    example(modelOf('detect'), metadataOf('detect'), path.join(scratch, 'nope.jpg')),
    'No image file at',
  );
});
/** metadata.json beside the detect model (null: none) and what the error must say, given the file's path. */
const BAD_METADATA = [
  ['no metadata.json beside the model', null, (file) => [`No metadata.json at ${file}`]],
  [
    'metadata.json that is not JSON names the file',
    '{"task": "detect",',
    (file) => [file, 'is not valid JSON'],
  ],
  [
    'metadata.json without class names names the file and field',
    withoutFormats((m) => delete m.names),
    (file) => [file, 'field "names" is missing'],
  ],
  [
    'metadata.json with a wrongly typed field names the field',
    withoutFormats((m) => (m.postprocessing.nms.conf = 'high')),
    () => ['field "postprocessing.nms.conf" must be a number'],
  ],
  [
    'class names that do not fit the outputs, with no outputs listed',
    withoutFormats((m) => {
      m.names = ['a', 'b', 'c', 'd', 'e'];
      delete m.outputs;
    }),
    () => ['do not match', '5 classes', 'output "output0" is [1, 7, 525]'],
  ],
];
for (const [index, [what, text, needles]] of BAD_METADATA.entries()) {
  await check(`bad input: ${what}`, () => {
    const dir = bundleWith(`metadata-${index}`, text);
    expectFailure(
      example(path.join(dir, 'model.onnx'), IMAGES[0]),
      ...needles(path.join(dir, 'metadata.json')),
    );
  });
}
await check('bad input: a model whose outputs differ from its metadata (detect model, pose metadata)', () => {
  expectFailure(
    example(modelOf('detect'), metadataOf('pose'), IMAGES[0]),
    'output "output0" is [1, 7, 525]',
    'outputs[0].shape',
  );
});
await check(
  'bad input: a model with fewer outputs than its metadata lists (detect model, segment metadata)',
  () => {
    expectFailure(example(modelOf('detect'), metadataOf('segment'), IMAGES[0]), 'has 1 outputs', 'lists 2');
  },
);
fs.rmSync(scratch, { recursive: true, force: true });

console.log(failures ? `\nC++ wrapper: ${failures} checks FAILED` : '\nC++ wrapper: all checks passed');
process.exit(failures ? 1 : 0);
