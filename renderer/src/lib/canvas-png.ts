/**
 * The canvas as a PNG, encoded now. Not canvas.toBlob (nor OffscreenCanvas.convertToBlob): Chromium encodes those
 * in idle time, and the playground's first "Save annotated image" waited 6.5 s for it (measured in the web harness:
 * the encoding itself takes ~40 ms for a 810×1080 photo, which toDataURL spends on the spot).
 */
export function canvasToPng(canvas: HTMLCanvasElement): Blob {
  const base64 = canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Blob([bytes], { type: 'image/png' });
}
