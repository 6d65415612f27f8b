import { dialog, ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { channelNames, eventNames, type AppErrorShape, type Channel, type Result } from '../contract';
import type { Core } from '../core/types';
import { toAppError } from '../core/errors';
import { EVENT_CHANNEL, PICK_CHECKPOINT_CHANNEL, PICK_FOLDER_CHANNEL } from '../preload/ipc-names';

interface IpcOptions {
  core: Core;
  /** True for URLs of our own renderer; every request's sender frame is checked against it. */
  isOwnUrl: (url: string) => boolean;
  windows: () => BrowserWindow[];
}

const untrusted: AppErrorShape = {
  code: 'UNTRUSTED_SENDER',
  message: 'This request did not come from the Edgepack window and was refused.',
  hint: 'Only the app’s own pages may call the core.',
};

function fromOwnRenderer(event: IpcMainInvokeEvent, isOwnUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && isOwnUrl(frame.url);
}

async function run<C extends Channel>(core: Core, channel: C, request: unknown): Promise<Result<unknown>> {
  try {
    const data = await core.handle(channel, request);
    // The core says where the export (or package) is; showing it in the file manager is the shell's job.
    if (channel === 'exports:reveal' || channel === 'packages:reveal')
      shell.showItemInFolder((data as { path: string }).path);
    return { ok: true, data };
  } catch (error) {
    return { ok: false, error: toAppError(error).toJSON() };
  }
}

/**
 * Binds every contract channel to core.handle and forwards core events to our windows. Answers are Result
 * objects because Electron drops an Error's code and hint on the way to the renderer. Returns an unbind function.
 */
export function bindIpc({ core, isOwnUrl, windows }: IpcOptions): () => void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, request: unknown) =>
      fromOwnRenderer(event, isOwnUrl) ? run(core, channel, request) : { ok: false, error: untrusted },
    );
  }

  ipcMain.handle(PICK_CHECKPOINT_CHANNEL, async (event): Promise<Result<string | null>> => {
    if (!fromOwnRenderer(event, isOwnUrl)) return { ok: false, error: untrusted };
    const picked = await dialog.showOpenDialog({
      title: 'Choose a checkpoint',
      properties: ['openFile'],
      filters: [
        { name: 'Model checkpoints', extensions: ['pt', 'pth', 'onnx'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return { ok: true, data: picked.canceled ? null : (picked.filePaths[0] ?? null) };
  });

  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event, title: unknown): Promise<Result<string | null>> => {
    if (!fromOwnRenderer(event, isOwnUrl)) return { ok: false, error: untrusted };
    const picked = await dialog.showOpenDialog({
      title: typeof title === 'string' && title ? title.slice(0, 200) : 'Choose a folder',
      properties: ['openDirectory'],
    });
    return { ok: true, data: picked.canceled ? null : (picked.filePaths[0] ?? null) };
  });

  const unsubscribers = eventNames.map((name) =>
    core.on(name, (payload) => {
      for (const win of windows()) {
        const contents = win.webContents;
        if (!contents.isDestroyed() && isOwnUrl(contents.getURL()))
          contents.send(EVENT_CHANNEL, name, payload);
      }
    }),
  );

  return () => {
    for (const channel of channelNames) ipcMain.removeHandler(channel);
    ipcMain.removeHandler(PICK_CHECKPOINT_CHANNEL);
    ipcMain.removeHandler(PICK_FOLDER_CHANNEL);
    for (const off of unsubscribers) off();
  };
}
