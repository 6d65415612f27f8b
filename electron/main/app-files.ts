import path from 'node:path';
import { APP_HOST } from './origins';

/** Resolves an app:// URL to a file inside `rendererDir`, or null when it would escape it. */
export function resolveAppFile(rendererDir: string, url: string): string | null {
  const parsed = new URL(url);
  if (parsed.host !== APP_HOST) return null;
  const relative = decodeURIComponent(parsed.pathname).replace(/^\/+/, '') || 'index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  return file === root || file.startsWith(root + path.sep) ? file : null;
}
