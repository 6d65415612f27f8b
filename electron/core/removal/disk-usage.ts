import fs from 'node:fs';
import path from 'node:path';

/** The files under each folder (recursively) and their total size; a missing folder counts nothing. */
export function diskUsage(dirs: readonly string[]): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) {
        files += 1;
        bytes += fs.statSync(full).size;
      }
    }
  };
  for (const dir of dirs) if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) visit(dir);
  return { files, bytes };
}
