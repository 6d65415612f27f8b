import { formatDate } from './format';

/** One input or output of an ONNX graph, as the model card's table shows it. */
export interface TensorRow {
  name: string;
  type: string;
  shape: string;
}

/** The card's inputs/outputs table from the core's `details.inputs` / `details.outputs` ([] when absent). */
export function tensorRows(value: unknown): TensorRow[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!item || typeof item !== 'object') return [];
    const t = item as { name?: unknown; type?: unknown; shape?: unknown };
    const shape = Array.isArray(t.shape) ? `[${t.shape.map(String).join(', ')}]` : '—';
    return [{ name: String(t.name ?? '—'), type: typeof t.type === 'string' ? t.type : '—', shape }];
  });
}

/** How Ultralytics' metadata_props read on a card; keys not here are spelled out from their name. */
const LABELS: Record<string, string> = {
  description: 'Description',
  author: 'Author',
  version: 'Ultralytics',
  date: 'Exported',
  license: 'License',
  docs: 'Documentation',
  stride: 'Stride',
  batch: 'Batch size',
  channels: 'Input channels',
  kpt_shape: 'Keypoints',
  end2end: 'NMS inside the model',
  half: 'FP16',
  int8: 'INT8',
  dynamic: 'Dynamic shapes',
  nms: 'NMS exported',
  args: 'Export arguments',
  edgepack_metadata: 'Edgepack metadata',
};

/** Already on the card under another name (task, input size, class names). */
const ON_THE_CARD = new Set(['task', 'imgsz', 'names']);
const LONGEST = 160;

/** A Python literal as people read it: True/False as yes/no, a list as "17 × 3", a dict as "key value, …". */
function pythonText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === 'True') return 'yes';
  if (trimmed === 'False') return 'no';
  if (trimmed === 'None') return '—';
  const list = /^\[([\d\s,]+)\]$/.exec(trimmed);
  if (list)
    return list[1]!
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .join(' × ');
  const dict = /^\{(.*)\}$/s.exec(trimmed);
  if (dict) {
    return dict[1]!
      .split(/,\s*(?=['"])/)
      .map((pair) => {
        const [key, ...rest] = pair.split(':');
        return `${key!.trim().replace(/^['"]|['"]$/g, '')} ${pythonText(rest.join(':'))}`;
      })
      .join(', ');
  }
  return trimmed.replace(/^['"]|['"]$/g, '');
}

function metadataValue(key: string, text: string): string {
  if (key === 'date') return formatDate(text);
  if (key === 'license') return text.replace(/\s*\(?https?:[^)\s]*\)?/, '');
  if (key === 'edgepack_metadata') return 'metadata.json embedded in the file';
  return pythonText(text);
}

function humanize(key: string): string {
  const spaced = key.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/**
 * The ONNX file's own metadata (Ultralytics writes description, author, version, stride, args…) as readable facts:
 * a label and a short value each; a value too long for a card is cut, the whole of it kept in `full`.
 */
export function onnxMetadataRows(metadata: unknown): { label: string; value: string; full: string }[] {
  if (!metadata || typeof metadata !== 'object') return [];
  return Object.entries(metadata as Record<string, unknown>)
    .filter(([key, value]) => !ON_THE_CARD.has(key) && typeof value === 'string' && value.trim() !== '')
    .map(([key, value]) => {
      const full = metadataValue(key, value as string);
      const short = full.length > LONGEST ? `${full.slice(0, LONGEST - 1)}…` : full;
      return { label: LABELS[key] ?? humanize(key), value: short, full };
    });
}
