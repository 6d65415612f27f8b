import type { DesktopApi } from '../../../electron/preload/api';
import { AppError, toErrorShape } from './errors';
import type { Host } from './types';

/** The desktop host: wraps `window.edgepack` so failures arrive as AppError with their code and hint. */
export function createBridgeHost(api: DesktopApi): Host {
  const rethrow = (error: unknown): never => {
    throw new AppError(toErrorShape(error));
  };
  return {
    kind: 'electron',
    canReveal: true,
    invoke: (channel, request) => api.invoke(channel, request).catch(rethrow),
    on: (event, listener) => api.on(event, listener),
    // The main process shows the file with shell.showItemInFolder when this channel answers.
    showExportFile: async (id, format) => {
      await api.invoke('exports:revealFile', { id, format }).catch(rethrow);
    },
    fileToPath: (file) => api.fileToPath(file).catch(rethrow),
    pickCheckpoint: () => api.pickCheckpoint().catch(rethrow),
    pickFolder: (title) => api.pickFolder(title).catch(rethrow),
  };
}
