/**
 * The renderer's Content-Security-Policy. Electron sends it as a response header for every app:// page and the
 * web harness does the same; renderer/index.html carries the identical policy as a meta tag (a unit test keeps
 * them equal). Nothing remote: scripts, styles and connections only from the app's own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Vite's dev server injects an inline React-refresh preamble and inline <style> tags for HMR; only `electron-vite
 * dev` uses this relaxed variant, never a build.
 */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'unsafe-inline'",
).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
