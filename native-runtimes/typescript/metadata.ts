/**
 * metadata.json (resources/schemas/metadata.schema.json): one per export, always named `metadata.json`, beside the
 * model files. Its top level is the document of the export's first format (the model its `model_file` names: what a
 * single-format export writes); `formats` holds every format's document, keyed by format id. The copy embedded in an
 * artifact is that format's document alone. These pick the document that describes one model (the app's preview and
 * deploy, the platform's package check).
 */

export const METADATA_FILE = 'metadata.json';

type Document = Record<string, unknown>;

function isRecord(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The top level without `formats`: one format's document. */
function topLevel(metadata: Document): Document {
  const { formats: _formats, ...document } = metadata;
  return document;
}

/** The document of one format (`onnx`, `openvino`, …), or null when the metadata describes no such model. */
export function metadataForFormat(metadata: unknown, format: string): Document | null {
  if (!isRecord(metadata)) return null;
  const formats = metadata['formats'];
  if (isRecord(formats) && isRecord(formats[format])) return formats[format];
  return metadata['format'] === format ? topLevel(metadata) : null;
}

/**
 * The document of the model file named `fileName` (e.g. `model.onnx`), or null when the metadata describes other
 * files only. A hand-written metadata.json that names no `model_file` is taken to describe the model beside it.
 */
export function metadataForModelFile(metadata: unknown, fileName: string): Document | null {
  if (!isRecord(metadata)) return null;
  const formats = metadata['formats'];
  if (isRecord(formats)) {
    const found = Object.values(formats).find((d) => isRecord(d) && d['model_file'] === fileName);
    if (isRecord(found)) return found;
  }
  const named = metadata['model_file'];
  return typeof named !== 'string' || named === fileName ? topLevel(metadata) : null;
}
