import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  buildTinyOnnx,
  ultralyticsMetadata,
} from '../../../../native-runtimes/typescript/test-support/tiny-onnx';
import { openDatabase } from '../../db';
import { EventHub } from '../../events';
import { PreviewService } from '../service';

export const NAMES = ['cat', 'dog'];
export const IMGSZ: [number, number] = [64, 64];

/** Detector rows (cx, cy, w, h, cat, dog) as an Ultralytics [1, 6, anchors] output. */
export function detectorOutput(rows: number[][]): { dims: number[]; data: Float32Array } {
  const data = new Float32Array(6 * rows.length);
  rows.forEach((row, a) => row.forEach((v, c) => (data[c * rows.length + a] = v)));
  return { dims: [1, 6, rows.length], data };
}

/**
 * A real ONNX "detector" (run by the real onnxruntime) whose output is fixed: a cat at (8,16)-(40,48) scoring
 * 0.9, a dog at (32,8)-(56,24) scoring 0.6 and a weak cat (0.3) overlapping the first.
 */
export const DETECTIONS = [
  [24, 32, 32, 32, 0.9, 0.05],
  [44, 16, 24, 16, 0.1, 0.6],
  [25, 33, 30, 30, 0.3, 0.0],
];

export function tinyDetector(
  options: { metadata?: boolean; inputShape?: (number | string)[] } = {},
): Uint8Array {
  const output = detectorOutput(DETECTIONS);
  return buildTinyOnnx({
    inputShape: options.inputShape ?? [1, 3, ...IMGSZ],
    output,
    metadata: options.metadata === false ? {} : ultralyticsMetadata(NAMES, IMGSZ),
  });
}

export function tinyClassifier(): Uint8Array {
  return buildTinyOnnx({
    inputShape: [1, 3, 32, 32],
    output: { dims: [1, 3], data: Float32Array.from([0.2, 0.7, 0.1]) },
    metadata: ultralyticsMetadata(['cat', 'dog', 'bird'], [32, 32], 'classify'),
  });
}

/** A scratch folder removed by `cleanup`. */
export function scratch(): {
  dir: string;
  write(name: string, bytes: Uint8Array | string): string;
  cleanup(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-preview-'));
  return {
    dir,
    write(name, bytes) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export async function solidPng(width: number, height: number, colour = '#808080'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A preview service over its own SQLite database in `dir`. */
export function previewService(
  dir: string,
  engine: ConstructorParameters<typeof PreviewService>[0]['engine'] = {},
): { service: PreviewService; events: EventHub; close(): Promise<void> } {
  const db = openDatabase(path.join(dir, 'edgepack.db'));
  const events = new EventHub();
  const service = new PreviewService({ db, events, engine });
  return {
    service,
    events,
    async close() {
      await service.close();
      db.close();
    },
  };
}
