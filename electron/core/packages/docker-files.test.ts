import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../contract';
import { tritonNameOf } from './docker-contents';
import { composeFile, serverRequirements } from './docker-files';

describe('Docker package files', () => {
  it('the Triton model name is lower-case letters, digits, dashes and underscores, with the export version', () => {
    expect(tritonNameOf('detect.pt', 3)).toBe('detect-v3');
    expect(tritonNameOf('My Model (final).onnx', 1)).toBe('my-model-final-v1');
    expect(tritonNameOf('模型.pt', 2)).toBe('model-v2');
  });

  it("the server's requirements keep the wrapper's pins but no inference runtime (Triton runs the model)", () => {
    const text = serverRequirements(
      '# comment\nnumpy==2.4.6\npillow==13.0.0\nonnxruntime==1.30.0\nopenvino==2026.4.1\nai-edge-litert==2.3.0\n',
    );
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'numpy==2.4.6',
      'pillow==13.0.0',
    ]);
  });

  it('docker-compose.yml quotes the model file, and a name with quotes, a colon or a line break stays in its comment', () => {
    const job = { id: 'e1', version: 2 } as ExportJob;
    const text = composeFile({
      job,
      modelName: 'a: "b"\nservices: {}',
      tritonName: 'a-b-v2',
      modelFile: 'a "b".onnx',
      task: 'detect',
    });
    expect(text).toContain('MODEL_FILE: "a \\"b\\".onnx"');
    expect(text).toContain('MODEL_VERSION: "2"');
    const parsed = load(text) as { services: { server: { environment: Record<string, string> } } };
    expect(parsed.services.server.environment).toMatchObject({
      MODEL_FILE: 'a "b".onnx',
      MODEL_VERSION: '2',
    });
  });
});
