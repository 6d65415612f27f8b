import fs from 'node:fs';
import { isProcessAlive } from './processes';

/**
 * A cross-process lock file holding the owner's pid, so the app and a CLI never build the same environment at
 * once. A lock left by a dead process is taken over.
 */
export async function withLock<T>(
  file: string,
  onWait: () => void,
  body: () => Promise<T>,
  pollMs = 1000,
): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(safeRead(file));
      if (!Number.isInteger(holder) || holder <= 0 || !isProcessAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!announced) onWait();
      announced = true;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  try {
    return await body();
  } finally {
    if (safeRead(file) === String(process.pid)) fs.rmSync(file, { force: true });
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
