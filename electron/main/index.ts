/** Electron main process: window and lifecycle only. Everything the app does lives in electron/core. */
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, resolveHome } from '../core';
import { createSecretStore } from './secret-store';
import type { Core } from '../core/types';
import { toAppError } from '../core/errors';
import { bindIpc } from './ipc';
import { sqliteBindingForElectron } from './native';
import { APP_ENTRY_URL, isOwnRendererUrl } from './origins';
import { registerAppScheme, serveRenderer } from './protocol';
import { hardenDefaultSession, lockDownWebContents } from './security';
import { createMainWindow, preloadPathFrom } from './window';

const mainDir = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const isOwnUrl = (url: string) => isOwnRendererUrl(url, devServerUrl);

registerAppScheme();
app.enableSandbox();
// A second copy would open the same database and race the first one's jobs: hand over to the running one.
const isFirstInstance = app.requestSingleInstanceLock();
if (!isFirstInstance) app.quit();

let core: Core | undefined;

function openWindow(): BrowserWindow {
  return createMainWindow({
    preloadPath: preloadPathFrom(mainDir),
    url: devServerUrl ?? APP_ENTRY_URL,
    iconPath: path.join(app.getAppPath(), 'resources', 'icons', 'icon.png'),
  });
}

async function start(): Promise<void> {
  hardenDefaultSession(isOwnUrl, devServerUrl !== undefined);
  lockDownWebContents(isOwnUrl);
  serveRenderer(path.join(mainDir, '..', 'renderer'));

  const home = resolveHome();
  core = await createCore({
    home,
    secretStore: createSecretStore(home),
    // Packaged: trainers/ and resources/schemas are extraResources; in development they are in the repository.
    resourcesDir: app.isPackaged ? process.resourcesPath : app.getAppPath(),
    sqliteNativeBinding: sqliteBindingForElectron({
      appPath: app.getAppPath(),
      electronVersion: process.versions.electron,
      isPackaged: app.isPackaged,
    }),
  });
  bindIpc({ core, isOwnUrl, windows: () => BrowserWindow.getAllWindows() });
  openWindow();
}

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win?.isMinimized()) win.restore();
  win?.focus();
});

app.on('activate', () => {
  if (core && BrowserWindow.getAllWindows().length === 0) openWindow();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('will-quit', (event) => {
  if (!core || closing) return;
  // Let the core cancel running trainers and close the database before the process exits.
  event.preventDefault();
  closing = true;
  void core.close().finally(() => app.exit(0));
});

if (isFirstInstance) {
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const e = toAppError(error);
      dialog.showErrorBox('Edgepack could not start', `${e.message}\n\n${e.hint}`);
      app.exit(1);
    });
}
