import fs from 'node:fs';
import path from 'node:path';
import { decodeImageBounded } from '../../../native-runtimes/typescript/decode-bounded';
import { loadSharp } from '../../../native-runtimes/typescript/sharp';
import {
  COCO_SKELETON,
  isDetection,
  paletteColor,
  placeLabels,
  rasterizeMask,
  type Detection,
  type Keypoint,
  type Mask,
  type PreviewResult,
} from '../../contract';

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
    if (isDetection(p) && p.mask) blendMask(pixels, image.width, image.height, p.mask, p.class_id, scale);
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
  mask: Mask,
  classId: number,
  scale: number,
): void {
  // The mask is in the photo's pixels; the decoded image is `scale` times its size (1 unless it was shrunk).
  const bitmap = rasterizeMask(mask, scale);
  const [r, g, b] = hexToRgb(paletteColor(classId));
  for (let row = 0; row < bitmap.height; row++) {
    const y = bitmap.y + row;
    if (y < 0 || y >= height) continue;
    for (let column = 0; column < bitmap.width; column++) {
      const x = bitmap.x + column;
      if (x < 0 || x >= width || !bitmap.data[row * bitmap.width + column]) continue;
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
  const detections = result.predictions.filter(isDetection);
  const boxes = detections.map((p) => p.bbox.map((v) => v * scale) as [number, number, number, number]);
  const texts = detections.map((p) => `${p.class} ${p.confidence.toFixed(2)}`);
  // DejaVu Sans averages about 0.6 em per character.
  const sizes = texts.map((t) => ({ width: Math.round(t.length * font * 0.6 + 8), height: font + 6 }));
  const labels = placeLabels(boxes, sizes, width, height);
  detections.forEach((p, i) => {
    const color = paletteColor(p.class_id);
    const [x1, y1, x2, y2] = boxes[i]!;
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${color}" stroke-width="${line}"/>`,
    );
    if (p.keypoints) parts.push(...keypointsSvg(p.keypoints, scale, line, color));
  });
  labels.forEach((rect, i) => {
    const color = paletteColor(detections[i]!.class_id);
    parts.push(
      `<rect x="${rect.x}" y="${rect.y}" width="${rect.width}" height="${rect.height}" fill="${color}"/>`,
      `<text x="${rect.x + 4}" y="${rect.y + font}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="${textColor(color)}">${escapeXml(texts[i]!)}</text>`,
    );
  });
  const classes = result.task === 'classify' ? result.predictions : [];
  classes.forEach((c, i) => {
    const text = escapeXml(`${c.class} ${c.confidence.toFixed(3)}`);
    parts.push(
      `<text x="${font / 2}" y="${(i + 1) * (font + 6)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="#ffffff" stroke="#000000" stroke-width="${Math.max(1, font / 8)}" paint-order="stroke">${text}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

function keypointsSvg(
  keypoints: NonNullable<Detection['keypoints']>,
  scale: number,
  line: number,
  color: string,
): string[] {
  const visible = ([, , v]: Keypoint) => v === null || v >= 0.5;
  const parts: string[] = [];
  if (keypoints.length === 17) {
    for (const [a, b] of COCO_SKELETON) {
      const p = keypoints[a]!;
      const q = keypoints[b]!;
      if (visible(p) && visible(q))
        parts.push(
          `<line x1="${p[0] * scale}" y1="${p[1] * scale}" x2="${q[0] * scale}" y2="${q[1] * scale}" stroke="${color}" stroke-width="${line}"/>`,
        );
    }
  }
  for (const k of keypoints) {
    if (visible(k))
      parts.push(
        `<circle cx="${k[0] * scale}" cy="${k[1] * scale}" r="${line + 2}" fill="#ff3838" stroke="#ffffff" stroke-width="1"/>`,
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
