import type { Channel, EventMap, EventName, RequestOf, ResponseOf } from '../../../electron/contract';
import { AppError, toErrorShape } from './errors';
import type { Host } from './types';

type AnyListener = (payload: unknown) => void;

async function readError(response: Response, fallback: string): Promise<AppError> {
  try {
    const body = (await response.json()) as { error?: unknown };
    if (body.error) return new AppError(toErrorShape(body.error));
  } catch {
    // Not JSON: fall through to a generic message with the status.
  }
  return new AppError({
    code: `HTTP_${response.status}`,
    message: fallback,
    hint: 'Is the web harness running?',
  });
}

const NO_FILES = { code: 'NO_FILE', message: 'No files were chosen.', hint: 'Choose one or more images.' };

interface Uploaded {
  path: string;
  folder: string;
  folderPath: string;
}

/** POST /api/upload: the file saved on the harness's disk; `folder` puts it beside earlier uploads. */
async function upload(origin: string, file: File, folder?: string): Promise<Uploaded> {
  const form = new FormData();
  form.append('file', file, file.name);
  const url = new URL('/api/upload', origin);
  if (folder) url.searchParams.set('folder', folder);
  const response = await fetch(url, { method: 'POST', body: form });
  if (!response.ok)
    throw await readError(response, `Uploading ${file.name} failed (HTTP ${response.status}).`);
  return (await response.json()) as Uploaded;
}

/**
 * The browser host for the web harness: POST /api/invoke/:channel for requests, one WebSocket (reconnecting)
 * for events, and POST /api/upload to turn a dropped File into a path on the harness's disk.
 */
export function createWebHost(origin: string = window.location.origin): Host {
  const listeners = new Map<EventName, Set<AnyListener>>();
  const reconnectListeners = new Set<() => void>();
  let socket: WebSocket | null = null;
  let connectedBefore = false;
  let retryMs = 250;

  const connect = () => {
    const url = new URL('/api/events', origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = 250;
      if (connectedBefore) for (const listener of reconnectListeners) listener();
      connectedBefore = true;
    };
    socket.onmessage = (message) => {
      const { event, payload } = JSON.parse(String(message.data)) as { event: EventName; payload: unknown };
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
    socket.onclose = () => {
      socket = null;
      retryMs = Math.min(retryMs * 2, 5000);
      setTimeout(connect, retryMs);
    };
  };

  return {
    kind: 'web',
    canReveal: false,
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      let response: Response;
      try {
        response = await fetch(new URL(`/api/invoke/${channel}`, origin), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request ?? {}),
        });
      } catch (error) {
        throw new AppError({
          code: 'HOST_UNREACHABLE',
          message: `Could not reach the Edgepack web harness (${String(error)}).`,
          hint: 'Start it again with `npm run dev:web` and reload the page.',
        });
      }
      if (!response.ok) throw await readError(response, `${channel} failed with HTTP ${response.status}.`);
      return (await response.json()) as ResponseOf<C>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      if (!socket) connect();
      const set = listeners.get(event) ?? new Set<AnyListener>();
      listeners.set(event, set);
      set.add(listener as AnyListener);
      return () => {
        set.delete(listener as AnyListener);
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    async showExportFile(id: string, format: string) {
      // Asked first through the contract, so a missing file is an error the page shows, not a broken download.
      const file = await this.invoke('exports:revealFile', { id, format });
      const link = document.createElement('a');
      link.href = new URL(
        `/api/exports/${encodeURIComponent(id)}/files/${encodeURIComponent(format)}`,
        origin,
      ).href;
      link.download = file.path.split(/[\\/]/).pop() + (file.isDirectory ? '.zip' : '');
      link.click();
    },
    async fileToPath(file: File): Promise<string> {
      return (await upload(origin, file)).path;
    },
    async filesToFolder(files: File[]): Promise<string> {
      if (files.length === 0) throw new AppError(NO_FILES);
      const first = await upload(origin, files[0] as File);
      for (const file of files.slice(1)) await upload(origin, file, first.folder);
      return first.folderPath;
    },
  };
}
