import {
  COCO_SKELETON,
  isDetection,
  paletteColor,
  placeLabels,
  rasterizeMask,
  type Detection,
  type Keypoint,
  type LabelRect,
  type Mask,
  type PreviewResult,
} from '../../../electron/contract';

export interface DrawOptions {
  /** Display pixels per original-image pixel. */
  scale: number;
  /** Indices of predictions to emphasise (dashed): those the other model did not find. */
  unmatched?: ReadonlySet<number>;
}

/**
 * Draws a preview result over its image: translucent masks, boxes with "class 0.87" labels, keypoints (with the
 * COCO skeleton when there are 17), or the top classes of a classifier. Pure canvas calls, so the app's view and
 * the saved image come from the same code.
 */
export function drawResult(
  ctx: CanvasRenderingContext2D,
  image: CanvasImageSource,
  result: PreviewResult,
  options: DrawOptions,
): void {
  const { scale } = options;
  const width = result.image.width * scale;
  const height = result.image.height * scale;
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.drawImage(image, 0, 0, width, height);
  for (const p of result.predictions) if (isDetection(p) && p.mask) drawMask(ctx, p.mask, p.class_id, scale);
  const line = Math.max(2, Math.round(Math.max(width, height) / 320));
  const font = Math.max(12, Math.round(Math.max(width, height) / 50));
  const detections = result.predictions.flatMap((p, index) => (isDetection(p) ? [{ p, index }] : []));
  const boxes = detections.map(({ p }) => p.bbox.map((v) => v * scale) as [number, number, number, number]);
  for (const [i, { p, index }] of detections.entries()) {
    const [x1, y1, x2, y2] = boxes[i]!;
    ctx.lineWidth = options.unmatched?.has(index) ? line + 1 : line;
    ctx.setLineDash(options.unmatched?.has(index) ? [line * 3, line * 2] : []);
    ctx.strokeStyle = paletteColor(p.class_id);
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    ctx.setLineDash([]);
    if (p.keypoints) drawKeypoints(ctx, p.keypoints, scale, line, paletteColor(p.class_id));
  }
  // Labels last, over every box, where placeLabels keeps them inside the drawing and apart.
  ctx.font = `${font}px system-ui, sans-serif`;
  const texts = detections.map(({ p }) => `${p.class} ${p.confidence.toFixed(2)}`);
  const sizes = texts.map((t) => ({ width: ctx.measureText(t).width + 8, height: font + 6 }));
  placeLabels(boxes, sizes, width, height).forEach((rect, i) =>
    label(ctx, texts[i]!, rect, paletteColor(detections[i]!.p.class_id)),
  );
  const classes = result.task === 'classify' ? result.predictions : [];
  classes.forEach((c, i) => {
    ctx.font = `600 ${font}px system-ui, sans-serif`;
    ctx.lineWidth = Math.max(2, font / 6);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)';
    ctx.fillStyle = i === 0 ? '#ffffff' : '#e8e8e8';
    const text = `${c.class} ${c.confidence.toFixed(3)}`;
    const y = (i + 1) * (font + 6);
    ctx.strokeText(text, font / 2, y);
    ctx.fillText(text, font / 2, y);
  });
}

function label(ctx: CanvasRenderingContext2D, text: string, rect: LabelRect, color: string) {
  ctx.fillStyle = color;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  ctx.fillStyle = textColor(color);
  ctx.textBaseline = 'top';
  ctx.fillText(text, rect.x + 4, rect.y + 3);
  ctx.textBaseline = 'alphabetic';
}

/** The mask is in the photo's pixels: drawn as a bitmap at the display's scale (never larger than the photo's). */
function drawMask(ctx: CanvasRenderingContext2D, mask: Mask, classId: number, scale: number) {
  const bitmap = rasterizeMask(mask, scale);
  if (bitmap.width <= 0 || bitmap.height <= 0) return;
  const pixels = new ImageData(bitmap.width, bitmap.height);
  const [r, g, b] = hexToRgb(paletteColor(classId));
  bitmap.data.forEach((bit, p) => {
    if (bit) pixels.data.set([r, g, b, 115], p * 4);
  });
  const tile = document.createElement('canvas');
  tile.width = bitmap.width;
  tile.height = bitmap.height;
  tile.getContext('2d')!.putImageData(pixels, 0, 0);
  // The bitmap is at min(scale, 1) of the photo; enlarged photos (scale > 1) stretch it the rest of the way.
  const stretch = scale / Math.min(1, scale);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(
    tile,
    bitmap.x * stretch,
    bitmap.y * stretch,
    bitmap.width * stretch,
    bitmap.height * stretch,
  );
  ctx.imageSmoothingEnabled = true;
}

function drawKeypoints(
  ctx: CanvasRenderingContext2D,
  keypoints: NonNullable<Detection['keypoints']>,
  scale: number,
  line: number,
  color: string,
) {
  const visible = ([, , v]: Keypoint) => v === null || v >= 0.5;
  if (keypoints.length === 17) {
    ctx.strokeStyle = color;
    ctx.lineWidth = line;
    for (const [a, b] of COCO_SKELETON) {
      const p = keypoints[a]!;
      const q = keypoints[b]!;
      if (!visible(p) || !visible(q)) continue;
      ctx.beginPath();
      ctx.moveTo(p[0] * scale, p[1] * scale);
      ctx.lineTo(q[0] * scale, q[1] * scale);
      ctx.stroke();
    }
  }
  for (const k of keypoints) {
    if (!visible(k)) continue;
    ctx.beginPath();
    ctx.arc(k[0] * scale, k[1] * scale, line + 2, 0, 2 * Math.PI);
    ctx.fillStyle = '#ff3838';
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function textColor(hex: string): string {
  const [r, g, b] = hexToRgb(hex);
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}

/** The scale at which the image fits the box; small images are enlarged, at most 4×. */
export function fitScale(width: number, height: number, maxWidth: number, maxHeight: number): number {
  return Math.min(4, maxWidth / width, maxHeight / height);
}
