import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TritonModelConfig } from './config-pbtxt';
import { renderConfigPbtxt } from './config-pbtxt';

const PYTHON_MODEL = new URL('./python_backend_model.py', import.meta.url);

export function tritonModelName(deploymentId: string): string {
  return `deployment-${deploymentId}`;
}

/**
 * Writes `deployment-{id}/config.pbtxt` and `deployment-{id}/{version}/model.onnx` (plus model.py for the Python
 * backend). Files are written beside their final names and renamed, so Triton never reads a half-written model.
 */
export async function writeTritonModel(
  repositoryDir: string,
  config: TritonModelConfig,
  version: number,
  onnx: Uint8Array,
): Promise<string> {
  const modelDir = path.join(repositoryDir, config.name);
  const versionDir = path.join(modelDir, String(version));
  await fs.mkdir(versionDir, { recursive: true });
  await atomicWrite(path.join(versionDir, 'model.onnx'), onnx);
  if (config.backend === 'python')
    await atomicWrite(path.join(versionDir, 'model.py'), await fs.readFile(PYTHON_MODEL));
  await atomicWrite(path.join(modelDir, 'config.pbtxt'), renderConfigPbtxt(config));
  return modelDir;
}

export async function removeTritonVersion(
  repositoryDir: string,
  modelName: string,
  version: number,
): Promise<void> {
  await fs.rm(path.join(repositoryDir, modelName, String(version)), { recursive: true, force: true });
}

export async function removeTritonModel(repositoryDir: string, modelName: string): Promise<void> {
  await fs.rm(path.join(repositoryDir, modelName), { recursive: true, force: true });
}

/** The version directories present for a model, ascending. */
export async function tritonVersions(repositoryDir: string, modelName: string): Promise<number[]> {
  const entries = await fs.readdir(path.join(repositoryDir, modelName)).catch(() => [] as string[]);
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
}

async function atomicWrite(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${file}.partial-${process.pid}`;
  await fs.writeFile(temporary, data);
  await fs.rename(temporary, file);
}
