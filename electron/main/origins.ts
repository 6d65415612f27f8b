/** The privileged scheme the packaged renderer is served from (never file://, so the CSP header applies). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'edgepack';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` belongs to our renderer: the app:// origin, or in `electron-vite dev` the dev server's origin.
 * Every IPC request and every navigation is checked with this.
 */
export function isOwnRendererUrl(url: string, devServerUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  if (!devServerUrl) return false;
  try {
    return parsed.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}
