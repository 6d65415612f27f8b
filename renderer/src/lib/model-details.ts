import { formatDate } from './format';

/** How the model card shows the framework-specific facts the trainer reported (unknown keys still appear). */
const LABELS: Record<string, string> = {
  ultralyticsVersion: 'Ultralytics',
  architecture: 'Architecture',
  scale: 'Scale',
  head: 'Head',
  parameters: 'Parameters',
  layers: 'Layers',
  stride: 'Stride',
  channels: 'Input channels',
  date: 'Trained',
  license: 'License',
  scan: 'Pickle scan',
  opset: 'Opset',
  producer: 'Producer',
  producerVersion: 'Producer version',
  irVersion: 'IR version',
  opsets: 'Opsets',
  trainedEpochs: 'Trained epochs',
  trainData: 'Training data',
  kptShape: 'Keypoints',
};

/** Facts already on the card under another name, or shown apart (an ONNX file's tensors table and metadata). */
const HIDDEN = new Set(['nc', 'names', 'imgsz', 'task', 'inputs', 'outputs', 'metadata']);

function humanize(key: string): string {
  const spaced = key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function valueText(key: string, value: unknown): string {
  if (key === 'parameters' && typeof value === 'number') {
    return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : value.toLocaleString();
  }
  if (key === 'date' && typeof value === 'string') return formatDate(value);
  if (key === 'license' && typeof value === 'string') return value.replace(/\s*\(https?:[^)]*\)/, '');
  if (key === 'scan' && value && typeof value === 'object') {
    const scan = value as { globals?: number; unsafe?: unknown[] };
    const unsafe = Array.isArray(scan.unsafe) ? scan.unsafe.length : 0;
    const checked = typeof scan.globals === 'number' ? `${scan.globals} imports checked` : 'checked';
    return unsafe ? `${checked}, ${unsafe} outside the allowlist (trusted)` : `${checked}, all allowed`;
  }
  if (key === 'opsets' && value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .map(([domain, version]) => `${domain} ${String(version)}`)
      .join(', ');
  }
  if (typeof value === 'number') return value.toLocaleString();
  if (Array.isArray(value)) return value.join(' × ');
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function modelDetailRows(details: Record<string, unknown>): { label: string; value: string }[] {
  return Object.entries(details)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => ({ label: LABELS[key] ?? humanize(key), value: valueText(key, value) }));
}
