import type { DesktopApi } from '../../../electron/preload/api';
import { createBridgeHost } from './bridge';
import { createWebHost } from './web';
import type { Host } from './types';

export type { Host } from './types';
export { AppError, toErrorShape } from './errors';

declare global {
  interface Window {
    edgepack?: DesktopApi;
  }
}

/** The desktop bridge when the preload exposed one, else the web harness on this page's origin. */
export function detectHost(): Host {
  return window.edgepack ? createBridgeHost(window.edgepack) : createWebHost();
}
