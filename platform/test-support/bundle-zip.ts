import { createHash } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A zip of these members, written here because the platform has no zip dependency: deflated, as the app's bundle
 * writer does, or stored (`{ store: true }`), as torch.save writes a checkpoint.
 */
export function zipOf(
  members: Record<string, string | Uint8Array>,
  options: { store?: boolean } = {},
): Buffer {
  const method = options.store ? 0 : 8;
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(members)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = options.store ? data : deflateRawSync(data);
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.byteLength, 18);
    local.writeUInt32LE(data.byteLength, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.byteLength, 20);
    entry.writeUInt32LE(data.byteLength, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength));
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + packed.byteLength;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * A bundle zip shaped like the app's (`edgepack package --target bundle`): the model at the root, metadata.json, a
 * wrapper file, and manifest.json listing each file's SHA-256. `manifestModel` lets a test list other bytes in the
 * manifest than the ones zipped.
 */
export function bundleZip(model: Uint8Array, options: { manifestModel?: Uint8Array } = {}): Buffer {
  const files: Record<string, Uint8Array> = {
    'metadata.json': Buffer.from('{"task": "detect"}\n'),
    'model.onnx': model,
    'runtimes/python/edgepack_runtime.py': Buffer.from('# wrapper\n'),
  };
  const listed = { ...files, 'model.onnx': options.manifestModel ?? model };
  const manifest = {
    manifest_version: '1.0.0',
    target: 'bundle',
    edgepack_version: '0.1.0',
    formats: ['onnx'],
    files: Object.entries(listed).map(([path, data]) => ({
      path,
      size: data.byteLength,
      sha256: sha256(data),
    })),
  };
  return zipOf({ ...files, 'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2)) });
}
