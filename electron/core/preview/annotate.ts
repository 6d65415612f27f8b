import fs from 'node:fs';
import path from 'node:path';
import { decodeImageBounded } from '../../../native-runtimes/typescript/decode-bounded';
import { decodeRuns } from '../../../native-runtimes/typescript/segment';
import { loadSharp } from '../../../native-runtimes/typescript/sharp';
import { COCO_SKELETON, paletteColor, type PreviewResult } from '../../contract';

/**
 * Draws a preview result onto its image (boxes with labels, translucent masks, keypoints; classification: the top
 * classes) and writes it into `dir` under the image's own name. Returns the written path.
 */
export async function saveAnnotated(
  result: PreviewResult,
  dir: string,
  taken = new Set<string>(),
): Promise<string> {
  const decoded = await decodeImageBounded(await fs.promises.readFile(result.image.path));
  const { image } = decoded;
  // Drawn on the decoded pixels (smaller than the original when it was shrunk while reading).
  const scale = image.width / result.image.width;
  const pixels = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  for (const p of result.predictions)
    if (p.mask && result.mapping) blendMask(pixels, image.width, image.height, p, result, scale);
  const svg = overlaySvg(result, image.width, image.height, scale);
  const format = outputFormat(result.image.name);
  const sharp = await loadSharp();
  let pipeline = sharp(pixels, { raw: { width: image.width, height: image.height, channels: 3 } }).composite([
    { input: Buffer.from(svg), top: 0, left: 0 },
  ]);
  pipeline =
    format === 'jpeg' ? pipeline.jpeg({ quality: 92 }) : format === 'webp' ? pipeline.webp() : pipeline.png();
  fs.mkdirSync(dir, { recursive: true });
  const target = uniqueName(dir, result.image.name, format, taken);
  await pipeline.toFile(target);
  return target;
}

function blendMask(
  pixels: Buffer,
  width: number,
  height: number,
  prediction: PreviewResult['predictions'][number],
  result: PreviewResult,
  scale: number,
): void {
  const mask = prediction.mask!;
  const map = result.mapping!;
  const bits = decodeRuns(mask.runs, mask.width * mask.height);
  const [r, g, b] = hexToRgb(paletteColor(prediction.classId));
  // Model-input pixel → decoded pixel: undo the letterbox offset, then scale to the decoded image.
  const gainX = map.resizedWidth / (result.image.width * scale);
  const gainY = map.resizedHeight / (result.image.height * scale);
  const x0 = Math.max(0, Math.floor((mask.x - map.left) / gainX));
  const y0 = Math.max(0, Math.floor((mask.y - map.top) / gainY));
  const x1 = Math.min(width, Math.ceil((mask.x + mask.width - map.left) / gainX));
  const y1 = Math.min(height, Math.ceil((mask.y + mask.height - map.top) / gainY));
  for (let y = y0; y < y1; y++) {
    const my = Math.floor((y + 0.5) * gainY + map.top) - mask.y;
    if (my < 0 || my >= mask.height) continue;
    for (let x = x0; x < x1; x++) {
      const mx = Math.floor((x + 0.5) * gainX + map.left) - mask.x;
      if (mx < 0 || mx >= mask.width || !bits[my * mask.width + mx]) continue;
      const at = (y * width + x) * 3;
      pixels[at] = (pixels[at]! + r) >> 1;
      pixels[at + 1] = (pixels[at + 1]! + g) >> 1;
      pixels[at + 2] = (pixels[at + 2]! + b) >> 1;
    }
  }
}

function overlaySvg(result: PreviewResult, width: number, height: number, scale: number): string {
  const line = Math.max(2, Math.round(Math.max(width, height) / 400));
  const font = Math.max(12, Math.round(Math.max(width, height) / 60));
  const parts: string[] = [];
  for (const p of result.predictions) {
    const color = paletteColor(p.classId);
    const [x1, y1, x2, y2] = p.box.map((v) => v * scale) as [number, number, number, number];
    const label = escapeXml(`${p.className} ${p.confidence.toFixed(2)}`);
    const labelWidth = Math.round(label.length * font * 0.6 + 8);
    const labelY = y1 - font - 6 >= 0 ? y1 - font - 6 : y1;
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${color}" stroke-width="${line}"/>`,
      `<rect x="${x1}" y="${labelY}" width="${labelWidth}" height="${font + 6}" fill="${color}"/>`,
      `<text x="${x1 + 4}" y="${labelY + font}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="${textColor(color)}">${label}</text>`,
    );
    if (p.keypoints) parts.push(...keypointsSvg(p.keypoints, scale, line, color));
  }
  result.top.forEach((c, i) => {
    const text = escapeXml(`${c.className} ${c.confidence.toFixed(3)}`);
    parts.push(
      `<text x="${font / 2}" y="${(i + 1) * (font + 6)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="#ffffff" stroke="#000000" stroke-width="${Math.max(1, font / 8)}" paint-order="stroke">${text}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

function keypointsSvg(
  keypoints: NonNullable<PreviewResult['predictions'][number]['keypoints']>,
  scale: number,
  line: number,
  color: string,
): string[] {
  const visible = (k: (typeof keypoints)[number]) => k.score === null || k.score >= 0.5;
  const parts: string[] = [];
  if (keypoints.length === 17) {
    for (const [a, b] of COCO_SKELETON) {
      const p = keypoints[a]!;
      const q = keypoints[b]!;
      if (visible(p) && visible(q))
        parts.push(
          `<line x1="${p.x * scale}" y1="${p.y * scale}" x2="${q.x * scale}" y2="${q.y * scale}" stroke="${color}" stroke-width="${line}"/>`,
        );
    }
  }
  for (const k of keypoints) {
    if (visible(k))
      parts.push(
        `<circle cx="${k.x * scale}" cy="${k.y * scale}" r="${line + 2}" fill="#ff3838" stroke="#ffffff" stroke-width="1"/>`,
      );
  }
  return parts;
}

function outputFormat(name: string): 'jpeg' | 'png' | 'webp' {
  const ext = path.extname(name).toLowerCase();
  return ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : ext === '.webp' ? 'webp' : 'png';
}

/** The image's own name (extension matching the written format), numbered when two inputs share a name. */
function uniqueName(dir: string, name: string, format: string, taken: Set<string>): string {
  const stem = path.basename(name, path.extname(name));
  const ext =
    format === 'jpeg' ? (path.extname(name).toLowerCase() === '.jpeg' ? '.jpeg' : '.jpg') : `.${format}`;
  let candidate = `${stem}${ext}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
  taken.add(candidate);
  return path.join(dir, candidate);
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Black on light colours, white on dark ones. */
function textColor(hex: string): string {
  const [r, g, b] = hexToRgb(hex);
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
