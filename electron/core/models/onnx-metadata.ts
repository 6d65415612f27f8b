import fs from 'node:fs';
import path from 'node:path';
import { onnxMetadataImgsz, onnxMetadataNames } from '../../../native-runtimes/typescript/model-info';
import { loadOnnxRuntime } from '../../../native-runtimes/typescript/onnxruntime';
import { parseOnnxSummary, type OnnxModelSummary } from '../../../native-runtimes/typescript/onnx-proto';
import { AppError } from '../errors';
import type { InspectedModel } from './inspected';
import { isTask } from '../../contract';

/**
 * Ultralytics writes `names` as a Python dict repr: {0: 'person', 1: "o'clock"}. Read with the runtime's parser (the
 * one the preview and the platform use); a card shows no names rather than fail on unreadable ones.
 */
export function parseNames(text: string | undefined): string[] {
  if (!text) return [];
  try {
    return onnxMetadataNames(text) ?? [];
  } catch {
    return [];
  }
}

/** `imgsz` as [height, width] ([480, 640], or one number for a square); [] when missing or unreadable. */
export function parseImgsz(text: string | undefined): number[] {
  if (!text) return [];
  try {
    return onnxMetadataImgsz(text) ?? [];
  } catch {
    return [];
  }
}

/** Opens the model in onnxruntime-node (proving it is a valid, runnable ONNX file) and reads what the card shows. */
export async function inspectOnnx(file: string): Promise<InspectedModel> {
  const name = path.basename(file);
  const buffer = fs.readFileSync(file);
  const invalid = (why: string, cause?: unknown) =>
    new AppError(
      'ONNX_INVALID',
      `${name} is not a valid ONNX model: ${why}`,
      'Export the model to ONNX again, or drop the .pt checkpoint it came from.',
      { cause },
    );
  let props: OnnxModelSummary;
  try {
    props = parseOnnxSummary(buffer);
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  const ort = await loadOnnxRuntime();
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(buffer);
  } catch (error) {
    throw invalid((error as Error).message.split('\n')[0] ?? 'onnxruntime cannot load it', error);
  }
  try {
    const tensor = (m: (typeof session.inputMetadata)[number]) => ({
      name: m.name,
      shape: m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : String(d))) : [],
      type: m.isTensor ? m.type : 'non-tensor',
    });
    const inputs = session.inputMetadata.map(tensor);
    const outputs = session.outputMetadata.map(tensor);
    const task = props.metadata['task'];
    let imgsz = parseImgsz(props.metadata['imgsz']);
    const shape = inputs[0]?.shape ?? [];
    if (
      imgsz.length === 0 &&
      shape.length === 4 &&
      typeof shape[2] === 'number' &&
      typeof shape[3] === 'number'
    ) {
      imgsz = [shape[2], shape[3]];
    }
    return {
      framework: 'onnx',
      task: isTask(task) ? task : null,
      classNames: parseNames(props.metadata['names']),
      imgsz,
      details: {
        producer: props.producer || null,
        producerVersion: props.producerVersion || null,
        irVersion: props.irVersion,
        opsets: props.opsets,
        inputs,
        outputs,
        metadata: props.metadata,
      },
    };
  } finally {
    await session.release();
  }
}
