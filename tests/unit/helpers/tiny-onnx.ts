/**
 * Writes a real, loadable ONNX model (an Identity graph) with chosen metadata_props, by encoding the protobuf by hand:
 * enough for onnxruntime to open, small enough to build in a test.
 */
type Field = [number, number | string | Buffer | Buffer[]];

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0);
  return Buffer.from(bytes);
}

function message(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const [number, value] of fields) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v === 'number') {
        parts.push(varint((number << 3) | 0), varint(v));
      } else {
        const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
        parts.push(varint((number << 3) | 2), varint(bytes.length), bytes);
      }
    }
  }
  return Buffer.concat(parts);
}

function tensorValue(name: string, shape: number[]): Buffer {
  const dims = shape.map((d) => message([[1, d]]));
  const tensorType = message([
    [1, 1],
    [2, message([[1, dims]])],
  ]);
  return message([
    [1, name],
    [2, message([[1, tensorType]])],
  ]);
}

export function tinyOnnx(metadata: Record<string, string>, shape = [1, 3, 32, 32]): Buffer {
  const node = message([
    [1, 'images'],
    [2, 'output0'],
    [4, 'Identity'],
  ]);
  const graph = message([
    [1, node],
    [2, 'tiny'],
    [11, tensorValue('images', shape)],
    [12, tensorValue('output0', shape)],
  ]);
  const props = Object.entries(metadata).map(([k, v]) =>
    message([
      [1, k],
      [2, v],
    ]),
  );
  return message([
    [1, 8],
    [2, 'edgepack-test'],
    [3, '1.0'],
    [7, graph],
    [
      8,
      message([
        [1, ''],
        [2, 13],
      ]),
    ],
    [14, props],
  ]);
}
