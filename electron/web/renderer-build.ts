import fs from 'node:fs';
import path from 'node:path';

/** Newest modification time under `dir` (files only), 0 when it does not exist. */
function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** The renderer's sources (and the contract it imports) are newer than the built page. */
export function rendererIsStale(repoRoot: string, outDir: string): boolean {
  const built = path.join(outDir, 'index.html');
  if (!fs.existsSync(built)) return true;
  const sources = [
    path.join(repoRoot, 'renderer', 'src'),
    path.join(repoRoot, 'renderer', 'index.html'),
    path.join(repoRoot, 'renderer', 'vite.web.config.ts'),
    path.join(repoRoot, 'electron', 'contract'),
    path.join(repoRoot, 'electron', 'preload', 'api.ts'),
  ];
  return Math.max(...sources.map(newestMtime)) > fs.statSync(built).mtimeMs;
}

/** Builds the renderer with Vite into `outDir` when it is missing or older than its sources. */
export async function ensureRendererBuilt(repoRoot: string, outDir: string, force = false): Promise<boolean> {
  if (!force && !rendererIsStale(repoRoot, outDir)) return false;
  const { build } = await import('vite');
  // A harness started from the tests inherits NODE_ENV=test, which makes Vite and the React plugin bundle React's
  // slow development build; the page must behave like the app's production renderer.
  const inherited = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({
      configFile: path.join(repoRoot, 'renderer', 'vite.web.config.ts'),
      logLevel: 'warn',
      build: { outDir },
    });
  } finally {
    if (inherited === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = inherited;
  }
  return true;
}
