import { BrowserWindow } from 'electron';
import path from 'node:path';
import { secureWebPreferences } from './security';

export function createMainWindow(opts: {
  preloadPath: string;
  url: string;
  iconPath: string;
}): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 960,
    minHeight: 640,
    title: 'Edgepack',
    show: false,
    backgroundColor: '#f5f6f8',
    icon: opts.iconPath,
    webPreferences: secureWebPreferences(opts.preloadPath),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}

export function preloadPathFrom(mainDir: string): string {
  return path.join(mainDir, '..', 'preload', 'index.cjs');
}
