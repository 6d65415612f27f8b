import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { eventNames, isChannel } from '../contract';
import type { Core } from '../core/types';
import { toAppError } from '../core/errors';
import { errorBody, statusForCode } from './http-errors';

/** POST /api/invoke/:channel → core.handle, with the core's own validation; errors as {error:{code,message,hint}}. */
export function invokeRoute(app: FastifyInstance, core: Core): void {
  app.post<{ Params: { channel: string } }>('/api/invoke/:channel', async (request, reply) => {
    const { channel } = request.params;
    if (!isChannel(channel)) {
      return reply.code(404).send(
        errorBody({
          code: 'UNKNOWN_CHANNEL',
          message: `There is no channel named ${channel}.`,
          hint: 'The renderer and the harness are out of step; reload the page.',
        }),
      );
    }
    try {
      return await core.handle(channel, request.body ?? {});
    } catch (error) {
      const e = toAppError(error);
      if (e.code === 'INTERNAL_ERROR') request.log.error({ err: error }, `${channel} failed`);
      return reply.code(statusForCode(e.code)).send(errorBody(e));
    }
  });
}

/** GET /api/events (WebSocket): every core event, as {event, payload} JSON messages. */
export function eventsRoute(app: FastifyInstance, core: Core): () => void {
  const sockets = new Set<WebSocket>();
  const offs = eventNames.map((event) =>
    core.on(event, (payload) => {
      const message = JSON.stringify({ event, payload });
      for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
    }),
  );
  app.get('/api/events', { websocket: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () => {
    offs.forEach((off) => off());
    for (const socket of sockets) socket.close(1001, 'server closing');
  };
}

/** A dropped file's name, made safe to use as one path segment. */
export function safeFileName(name: string): string {
  const base = path
    .basename(name.replace(/\\/g, '/'))
    .replace(/[^\w.\- ]+/g, '_')
    .trim();
  const cleaned = base.replace(/^\.+/, '').slice(-120);
  return cleaned || 'upload';
}

const UPLOAD_FOLDER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * POST /api/upload (multipart, one file): the browser's stand-in for a dropped file's path. Saved as
 * `<home>/uploads/<random>/<name>` so the core sees the original file name; nothing partial is left behind.
 * `?folder=<the folder an earlier upload answered>` puts several files in one folder (INT8 calibration images).
 */
export function uploadRoute(app: FastifyInstance, uploadsDir: string, maxBytes: number): void {
  app.post<{ Querystring: { folder?: string } }>('/api/upload', async (request, reply) => {
    const into = request.query.folder;
    if (into !== undefined && (!UPLOAD_FOLDER.test(into) || !fs.existsSync(path.join(uploadsDir, into)))) {
      return reply.code(400).send(
        errorBody({
          code: 'UPLOAD_FOLDER_UNKNOWN',
          message: `There is no upload folder ${into} on the harness.`,
          hint: 'Upload the images again; uploads older than a day are cleared.',
        }),
      );
    }
    const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!part) {
      return reply.code(400).send(
        errorBody({
          code: 'NO_FILE',
          message: 'The upload had no file in it.',
          hint: 'Drop or choose a file.',
        }),
      );
    }
    const folder = into ?? randomUUID();
    const dir = path.join(uploadsDir, folder);
    const target = path.join(dir, safeFileName(part.filename));
    fs.mkdirSync(dir, { recursive: true });
    try {
      await pipeline(part.file, fs.createWriteStream(target));
      if (part.file.truncated)
        throw Object.assign(new Error('truncated'), { code: 'FST_REQ_FILE_TOO_LARGE' });
    } catch (error) {
      fs.rmSync(into ? target : dir, { recursive: true, force: true });
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        const limit = `${Math.round(maxBytes / 1024 / 1024)} MB`;
        return reply.code(413).send(
          errorBody({
            code: 'UPLOAD_TOO_LARGE',
            message: `${part.filename} is larger than the harness accepts (${limit}).`,
            hint: 'Start the harness with a larger --max-upload-mb, or add the file with `npx edgepack models add`.',
          }),
        );
      }
      throw error;
    }
    return { path: target, bytes: fs.statSync(target).size, folder, folderPath: dir };
  });
}

/** Uploads are only a way to hand a file to the core, which keeps its own copy; old ones are cleared at start. */
export function clearOldUploads(uploadsDir: string, olderThanMs = 24 * 3600 * 1000): void {
  if (!fs.existsSync(uploadsDir)) return;
  const cutoff = Date.now() - olderThanMs;
  for (const entry of fs.readdirSync(uploadsDir)) {
    const dir = path.join(uploadsDir, entry);
    if (fs.statSync(dir).mtimeMs < cutoff) fs.rmSync(dir, { recursive: true, force: true });
  }
}
