/**
 * Writes small, valid ONNX files by hand (protobuf wire format), so tests get a real model that
 * onnxruntime runs without a Python toolchain: its output is a fixed tensor, its metadata whatever the test needs.
 */

type Dim = number | string;

export interface TinyModelSpec {
  inputName?: string;
  inputShape: Dim[];
  outputName?: string;
  /** The tensor the model outputs, whatever the input. */
  output: { dims: number[]; data: Float32Array };
  /** The output shape the graph declares (symbolic dims allowed); defaults to output.dims. */
  outputShape?: Dim[];
  metadata?: Record<string, string>;
  opset?: number;
  /** The node's operator; anything but Identity makes a well-formed file that runtimes refuse to load. */
  opType?: string;
}

export function buildTinyOnnx(spec: TinyModelSpec): Uint8Array {
  const inputName = spec.inputName ?? 'images';
  const outputName = spec.outputName ?? 'output0';
  const constant = tensorProto('fixed_output', spec.output.dims, spec.output.data);
  const node = message([
    stringField(1, 'fixed_output'),
    stringField(2, outputName),
    stringField(3, 'identity'),
    stringField(4, spec.opType ?? 'Identity'),
  ]);
  const graph = message([
    bytesField(1, node),
    stringField(2, 'tiny'),
    bytesField(5, constant),
    bytesField(11, valueInfo(inputName, spec.inputShape)),
    bytesField(12, valueInfo(outputName, spec.outputShape ?? spec.output.dims)),
  ]);
  const opset = message([stringField(1, ''), varintField(2, spec.opset ?? 17)]);
  const metadata = Object.entries(spec.metadata ?? {}).map(([key, value]) =>
    bytesField(14, message([stringField(1, key), stringField(2, value)])),
  );
  return message([
    varintField(1, 8),
    stringField(2, 'edgepack-tests'),
    bytesField(8, opset),
    bytesField(7, graph),
    ...metadata,
  ]);
}

/** Ultralytics-style metadata_props for a detector with these class names and input size. */
export function ultralyticsMetadata(
  names: string[],
  imgsz: [number, number],
  task = 'detect',
): Record<string, string> {
  const namesRepr = `{${names.map((n, i) => `${i}: '${n.replace(/'/g, "\\'")}'`).join(', ')}}`;
  return {
    author: 'Ultralytics',
    stride: '32',
    task,
    batch: '1',
    imgsz: `[${imgsz[0]}, ${imgsz[1]}]`,
    names: namesRepr,
    end2end: 'False',
  };
}

function tensorProto(name: string, dims: number[], data: Float32Array): Uint8Array {
  const raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return message([
    ...dims.map((d) => varintField(1, d)),
    varintField(2, 1),
    stringField(8, name),
    bytesField(9, raw),
  ]);
}

function valueInfo(name: string, shape: Dim[]): Uint8Array {
  const dims = shape.map((d) =>
    bytesField(1, message([typeof d === 'number' ? varintField(1, d) : stringField(2, d)])),
  );
  const tensorType = message([varintField(1, 1), bytesField(2, message(dims))]);
  return message([stringField(1, name), bytesField(2, message([bytesField(1, tensorType)]))]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)]);
}

function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return message([Uint8Array.from([...varint(field * 8 + 2), ...varint(bytes.length)]), bytes]);
}

function stringField(field: number, text: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(text));
}

function message(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
