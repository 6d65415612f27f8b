import fs from 'node:fs';
import path from 'node:path';
import { ZipArchive } from 'archiver';
import type { FastifyInstance } from 'fastify';
import type { Core } from '../core/types';
import { toAppError } from '../core/errors';
import { errorBody, statusForCode } from './http-errors';

/** A file name for a Content-Disposition header: ASCII fallback plus the exact name in UTF-8 (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * GET /api/exports/:id/files/:format: the browser's stand-in for "Show in folder" — one format's file of an export,
 * as a download; a folder (OpenVINO, SavedModel, …) as a zip of it. Where the file is comes from the core
 * (exports:revealFile), so only an export's own files can be fetched.
 */
export function downloadRoute(app: FastifyInstance, core: Core): void {
  app.get<{ Params: { id: string; format: string } }>(
    '/api/exports/:id/files/:format',
    async (request, reply) => {
      let file: { path: string; isDirectory: boolean };
      try {
        file = await core.handle('exports:revealFile', request.params);
      } catch (error) {
        const e = toAppError(error);
        return reply.code(statusForCode(e.code)).send(errorBody(e));
      }
      const name = path.basename(file.path);
      if (!file.isDirectory) {
        reply.header('content-type', 'application/octet-stream');
        reply.header('content-length', fs.statSync(file.path).size);
        reply.header('content-disposition', attachment(name));
        return reply.send(fs.createReadStream(file.path));
      }
      const archive = new ZipArchive({ zlib: { level: 6 } });
      archive.directory(file.path, name);
      void archive.finalize();
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', attachment(`${name}.zip`));
      return reply.send(archive);
    },
  );
}
