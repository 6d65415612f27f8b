/**
 * The preload script: exposes the typed facade `window.edgepack` and nothing else. It runs sandboxed, so it is
 * bundled with its few imports and only uses contextBridge, ipcRenderer and webUtils.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { isChannel, eventNames, type EventMap, type EventName, type Result } from '../contract';
import type { DesktopApi } from './api';
import { EVENT_CHANNEL, PICK_CHECKPOINT_CHANNEL, PICK_FOLDER_CHANNEL } from './ipc-names';

/** Rejects with the plain {code, message, hint} object: an Error would lose its code and hint across the bridge. */
async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.data;
  throw result.error;
}

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
ipcRenderer.on(EVENT_CHANNEL, (_event, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: DesktopApi = {
  kind: 'electron',
  invoke(channel, request) {
    if (!isChannel(channel)) {
      return Promise.reject({
        code: 'UNKNOWN_CHANNEL',
        message: `No such channel: ${String(channel)}`,
        hint: '',
      });
    }
    return unwrap(ipcRenderer.invoke(channel, request));
  },
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
    if (!eventNames.includes(event)) throw new Error(`No such event: ${String(event)}`);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener as (payload: unknown) => void);
    return () => {
      set.delete(listener as (payload: unknown) => void);
    };
  },
  async fileToPath(file) {
    const path = webUtils.getPathForFile(file);
    if (!path) throw { code: 'FILE_NOT_ON_DISK', message: `${file.name} is not a file on disk.`, hint: '' };
    return path;
  },
  pickCheckpoint: () => unwrap(ipcRenderer.invoke(PICK_CHECKPOINT_CHANNEL)),
  pickFolder: (title) => unwrap(ipcRenderer.invoke(PICK_FOLDER_CHANNEL, String(title))),
};

contextBridge.exposeInMainWorld('edgepack', api);
