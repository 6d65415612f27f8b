import fs from 'node:fs';
import path from 'node:path';

/** Moves a finished staging folder into its final place in one rename (same file system: both under <home>). */
export function moveIntoPlace(staging: string, final: string): void {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  // A folder already there can only be the debris of an earlier, interrupted move of this same version.
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(staging, final);
}

export function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    /* a leftover staging folder is cleaned at the next start */
  }
}

/** Copies a job's files into a folder the person chose (`--out`), returning the copied paths. */
export function copyArtifacts(files: string[], outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  return files.map((file) => {
    const target = path.join(outDir, path.basename(file));
    fs.cpSync(file, target, { recursive: true });
    return target;
  });
}
