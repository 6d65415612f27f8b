/**
 * `edgepack package <export-id> --target docker` of a real ONNX export of the fixture detect model, checked here as
 * far as this machine can: config.pbtxt parsed with Triton's own model_config_pb2 and read back by Ultralytics'
 * Triton reader (names, imgsz, task from the escaped `metadata` parameter); both Dockerfiles linted with hadolint;
 * docker-compose.yml validated against the Compose specification's schema (check-jsonschema's vendored copy); and
 * the package's server.py started as a plain process against the real tritonserver the platform tests run,
 * answering real photos exactly as `edgepack predict --json` does (conf 0.01: the fixture model, trained on synthetic
 * shapes, finds little on photos at its default 0.25). NEVER RUN HERE: the containers (no Docker engine), and that
 * tritonserver only has the Python backend, so it serves the package's model with the package's config.pbtxt whose
 * `platform: "onnxruntime_onnx"` line alone is swapped for `backend: "python"` (the platform's Python-backend model).
 * Bad input: an export without ONNX names the export to make, and nothing is written.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM helper without types
import { runtimesPython } from '../../scripts/runtimes-python.mjs';
import { freePort } from '../../platform/test-support/harness';
import { platformPython, startTriton, type ChildService } from '../../platform/test-support/services';
import { parseWithTritonSchema, readWithUltralytics } from '../../platform/test-support/triton-schema';
import { cli, fixture, freshHome, removeHomes, repo, toolchainPython } from './helpers';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-docker-'));
const photos = ['bus.jpg', 'zidane.jpg'].map((name) =>
  path.join(repo, 'native-runtimes/typescript/test-images', name),
);
const home = freshHome();
const wrappersBin = () => path.dirname(runtimesPython() as string);

let exported: { id: string; modelId: string; version: number };
let zip: { path: string; target: string; formats: string[]; runtimes: string[] };
let unzipped: string;
let modelDir: string;
let metadata: { formats: { onnx: { names: string[]; input: { shape: number[] }; task: string } } };

beforeAll(() => {
  const made = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--json']);
  expect(made.code, made.stderr).toBe(0);
  exported = made.json;
  const built = cli(home, ['package', exported.id, '--target', 'docker', '--out', scratch, '--json']);
  expect(built.code, built.stderr).toBe(0);
  zip = built.json;
  unzipped = path.join(scratch, 'unzipped');
  const r = spawnSync('unzip', ['-q', zip.path, '-d', unzipped], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const repository = path.join(unzipped, 'model_repository');
  modelDir = path.join(repository, fs.readdirSync(repository)[0]!);
  metadata = JSON.parse(fs.readFileSync(path.join(unzipped, 'server/metadata.json'), 'utf8'));
});

afterAll(() => {
  removeHomes();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** What POST /v1/infer answers: the platform's shape, or its error. */
interface InferAnswer {
  deployment_id: string;
  image: { width: number; height: number };
  predictions: unknown[];
  timing: Record<string, number>;
  error?: { code: string; message: string; hint: string };
}

function run(command: string, args: string[]) {
  return spawnSync(command, args, { cwd: unzipped, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('a Docker package of the detect fixture', () => {
  it('holds the model repository, the server with the wrapper, both Dockerfiles, compose, README and manifest', () => {
    expect(zip).toMatchObject({ target: 'docker', formats: ['onnx'], runtimes: ['python'] });
    const names = run('unzip', ['-Z1', zip.path]).stdout.split('\n').filter(Boolean);
    const model = path.basename(modelDir);
    expect(model).toBe('detect-v1');
    expect(names).toEqual(
      expect.arrayContaining([
        `model_repository/${model}/config.pbtxt`,
        `model_repository/${model}/1/model.onnx`,
        'triton/Dockerfile',
        'server/Dockerfile',
        'server/server.py',
        'server/infer_request.py',
        'server/triton_http.py',
        'server/metadata.json',
        'server/requirements.txt',
        'server/wrapper_postprocess.py',
        'docker-compose.yml',
        'README.md',
        'manifest.json',
      ]),
    );
    expect(names.at(-1)).toBe('manifest.json');
    const manifest = JSON.parse(fs.readFileSync(path.join(unzipped, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ target: 'docker', export_id: exported.id, formats: ['onnx'] });
    const requirements = fs.readFileSync(path.join(unzipped, 'server/requirements.txt'), 'utf8');
    expect(requirements).toMatch(/^numpy==\S+$/m);
    expect(requirements).not.toMatch(/onnxruntime|openvino|litert/);
    const readme = fs.readFileSync(path.join(unzipped, 'README.md'), 'utf8');
    expect(readme).toContain('curl -s -X POST http://localhost:8080/v1/infer');
    expect(readme).toMatch(/Never run there: the containers themselves/);
  });

  it('the same export packaged twice gives the same bytes', () => {
    const again = cli(home, [
      'package',
      exported.id,
      '--target',
      'docker',
      '--out',
      path.join(scratch, 'again'),
      '--json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.sha256).toBe((zip as unknown as { sha256: string }).sha256);
  });

  it("config.pbtxt parses with Triton's model_config_pb2, and Ultralytics' Triton reader gets names, imgsz, task", () => {
    const [parsed] = parseWithTritonSchema(platformPython(), [path.join(modelDir, 'config.pbtxt')]);
    expect(parsed!.ok, parsed!.error).toBe(true);
    expect(parsed).toMatchObject({ name: 'detect-v1', platform: 'onnxruntime_onnx', max_batch_size: 0 });
    expect(parsed!.inputs).toEqual([['images', 'TYPE_FP32', [1, 3, 160, 160]]]);
    const [read] = readWithUltralytics(toolchainPython(), [parsed!.json!]);
    const onnx = metadata.formats.onnx;
    expect(read!.names).toEqual(onnx.names.map((name, id) => [id, name]));
    expect(read!.imgsz).toEqual(onnx.input.shape.slice(2)); // [height, width] of [1, 3, h, w]
    expect(read!.task).toBe('detect');
  });

  it('both Dockerfiles pass hadolint (pinned, non-root); the same lint fails an unpinned root Dockerfile', () => {
    const hadolint = path.join(wrappersBin(), 'hadolint');
    for (const file of ['triton/Dockerfile', 'server/Dockerfile']) {
      const r = run(hadolint, [file]);
      expect(r.status, `${file}\n${r.stdout}${r.stderr}`).toBe(0);
      expect(fs.readFileSync(path.join(unzipped, file), 'utf8')).toMatch(/^USER [1-9]\d*$/m);
    }
    const bad = path.join(scratch, 'Dockerfile.bad');
    fs.writeFileSync(bad, 'FROM python:latest\nRUN pip install numpy\n');
    const r = run(hadolint, [bad]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/DL3007/);
  });

  it("docker-compose.yml validates against the Compose specification's schema; a broken one does not", () => {
    const check = path.join(wrappersBin(), 'check-jsonschema');
    const good = run(check, ['--builtin-schema', 'vendor.compose-spec', 'docker-compose.yml']);
    expect(good.status, good.stdout + good.stderr).toBe(0);
    const broken = path.join(scratch, 'compose-broken.yml');
    fs.writeFileSync(broken, 'services:\n  server:\n    ports: 8080\n    restart: sometimes\n');
    const bad = run(check, ['--builtin-schema', 'vendor.compose-spec', broken]);
    expect(bad.status).not.toBe(0);
  });
});

describe("the package's server.py against a real tritonserver (plain processes, no containers)", () => {
  let triton: ChildService;
  let server: ChildProcess;
  let url: string;
  let logs = '';
  let expected: unknown[];

  beforeAll(async () => {
    const python = platformPython();
    const repository = path.join(scratch, 'served');
    const served = path.join(repository, path.basename(modelDir));
    fs.cpSync(modelDir, served, { recursive: true });
    const config = fs.readFileSync(path.join(served, 'config.pbtxt'), 'utf8');
    expect(config).toContain('platform: "onnxruntime_onnx"\n');
    fs.writeFileSync(
      path.join(served, 'config.pbtxt'),
      config.replace('platform: "onnxruntime_onnx"\n', 'backend: "python"\n'),
    );
    fs.copyFileSync(
      path.join(repo, 'platform/repository/python_backend_model.py'),
      path.join(served, '1', 'model.py'),
    );
    triton = await startTriton(python, repository);
    const loaded = await fetch(`${triton.url}/v2/repository/models/${path.basename(modelDir)}/load`, {
      method: 'POST',
      body: '{}',
    });
    expect(loaded.status, `${await loaded.text()}\n${triton.logs()}`).toBe(200);

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(
      runtimesPython() as string,
      [
        'server.py',
        '--triton',
        triton.url,
        '--model',
        path.basename(modelDir),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
      ],
      {
        cwd: path.join(unzipped, 'server'),
        env: { ...process.env, EDGEPACK_SERVER_QUIET: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    server.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
    for (
      let tries = 0;
      !(await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      ));
      tries++
    ) {
      if (server.exitCode !== null || tries > 300) throw new Error(`server.py did not come up:\n${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const predicted = cli(home, ['predict', exported.id, ...photos, '--conf', '0.01', '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expected = predicted.json.results.map((r: { predictions: unknown }) => r.predictions);
    expect(expected.flat().length).toBeGreaterThan(0);
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    await triton?.stop();
  });

  it('answers each photo, sent as base64 JSON, with exactly the predictions of edgepack predict --json', async () => {
    for (const [i, photo] of photos.entries()) {
      const response = await fetch(`${url}/v1/infer`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          image: fs.readFileSync(photo).toString('base64'),
          confidence_threshold: 0.01,
        }),
      });
      const body = (await response.json()) as InferAnswer;
      expect(response.status, `${JSON.stringify(body)}\n${logs}`).toBe(200);
      expect(body).toMatchObject({ deployment_id: 'detect-v1', model_version: 1, task: 'detect' });
      expect(Object.keys(body.timing)).toEqual([
        'decode_ms',
        'preprocess_ms',
        'inference_ms',
        'postprocess_ms',
        'total_ms',
      ]);
      expect(body.predictions).toEqual(expected[i]);
    }
  });

  it('answers the raw bytes (options in the query) the same way', async () => {
    const response = await fetch(`${url}/v1/infer/detect-v1?confidence_threshold=0.01`, {
      method: 'POST',
      headers: { 'Content-Type': 'image/jpeg' },
      body: fs.readFileSync(photos[0]!),
    });
    const body = (await response.json()) as InferAnswer;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.image).toEqual({ width: 810, height: 1080 });
    expect(body.predictions).toEqual(expected[0]);
  });

  it('bad requests get the platform’s error codes with a hint', async () => {
    const post = async (body: string, type = 'application/json') => {
      const response = await fetch(`${url}/v1/infer`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body,
      });
      return { status: response.status, error: ((await response.json()) as InferAnswer).error };
    };
    expect(await post('{"image": "not base64!"}')).toMatchObject({
      status: 400,
      error: { code: 'INVALID_BASE64' },
    });
    expect(await post('{}')).toMatchObject({ status: 400, error: { code: 'IMAGE_MISSING' } });
    expect(await post('{"image": "aGVsbG8=", "confidence": 0.5}')).toMatchObject({
      status: 400,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('"confidence"') },
    });
    const notImage = await post('{"image": "aGVsbG8="}');
    expect(notImage).toMatchObject({
      status: 400,
      error: { code: 'INVALID_IMAGE', hint: expect.stringMatching(/JPEG/) },
    });
    // A pixel bomb: a small PNG that decodes to 7000 × 7000 is refused from its header, as the platform refuses it.
    const bomb = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await post(JSON.stringify({ image: bomb.toString('base64') }))).toMatchObject({
      status: 413,
      error: { code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('7000×7000') },
    });
  });
});

describe('bad input', () => {
  it('an export without ONNX: PACKAGE_NEEDS_ONNX names the export to make; nothing is written', () => {
    const made = cli(home, ['export', exported.modelId, '--format', 'torchscript', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const out = path.join(scratch, 'no-onnx');
    const r = cli(home, ['package', made.json.id, '--target', 'docker', '--out', out, '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({
      code: 'PACKAGE_NEEDS_ONNX',
      message: expect.stringContaining('torchscript but no ONNX model'),
      hint: `Make an ONNX export of the same model (\`edgepack export ${exported.modelId} --format onnx\`), then package that export with --target docker.`,
    });
    expect(fs.existsSync(out)).toBe(false);
  });
});
