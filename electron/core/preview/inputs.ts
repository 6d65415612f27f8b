import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { unreadablePath } from '../file-errors';

/** Extensions taken from folders; files named one by one are tried whatever their name. */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
]);

/** Refuse to walk further than this many files: a mistaken drop of a whole disk should stop, not crawl. */
const MAX_FILES = 100_000;

export interface ExpandedInputs {
  files: string[];
  /** Files found in folders and left out because they are not images. */
  skipped: number;
}

/** Image files named directly, plus the images inside folders (recursively, sorted, hidden entries skipped). */
export function expandInputs(inputs: readonly string[]): ExpandedInputs {
  const files: string[] = [];
  let skipped = 0;
  for (const input of inputs) {
    const resolved = path.resolve(input);
    const loop = unreadablePath(resolved);
    if (loop) throw loop;
    const stat = fs.statSync(resolved, { throwIfNoEntry: false });
    if (!stat) {
      throw new AppError(
        'INPUT_NOT_FOUND',
        `No file or folder at ${input}.`,
        'Check the path and try again.',
      );
    }
    if (!stat.isDirectory()) {
      files.push(resolved);
      continue;
    }
    const stack = [resolved];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const entries = fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name));
      const folders: string[] = [];
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) folders.push(full);
        else if (IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
        else skipped++;
      }
      stack.push(...folders.reverse());
      if (files.length > MAX_FILES) {
        throw new AppError(
          'TOO_MANY_IMAGES',
          `${input} holds more than ${MAX_FILES.toLocaleString('en')} images.`,
          'Pick a smaller folder; the preview is for looking at predictions, not bulk inference.',
        );
      }
    }
  }
  return { files, skipped };
}
