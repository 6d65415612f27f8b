import { app, session, type BrowserWindowConstructorOptions, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './csp';

/** webPreferences every window gets: isolated, sandboxed, no Node, web security on. */
export function secureWebPreferences(preloadPath: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Session-wide rules: deny every permission, put the CSP on every response, and refuse any request that is not
 * for our own renderer (no remote content; the dev server is allowed only under `electron-vite dev`).
 */
export function hardenSession(ses: Session, isOwnUrl: (url: string) => boolean, dev: boolean): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  const csp = dev ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });

  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    const allowed =
      isOwnUrl(url) || url.startsWith('devtools:') || url.startsWith('data:') || url.startsWith('blob:');
    // Vite's HMR socket lives on the dev server's origin but with the ws: scheme.
    const devSocket = dev && url.startsWith('ws://') && isOwnUrl(url.replace(/^ws:/, 'http:'));
    callback({ cancel: !(allowed || devSocket) });
  });
}

/** Blocks navigation away from the renderer, window.open, and <webview> for every web contents ever created. */
export function lockDownWebContents(isOwnUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function hardenDefaultSession(isOwnUrl: (url: string) => boolean, dev: boolean): void {
  hardenSession(session.defaultSession, isOwnUrl, dev);
}
