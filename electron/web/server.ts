/**
 * The web harness: the renderer in a browser, talking to the same core over HTTP and a WebSocket.
 * Loopback only. `npm run dev:web` (bin/edgepack-web.mjs) runs `main`.
 */
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../main/csp';
import { createCore } from '../core';
import type { Core, CoreOptions } from '../core/types';
import { loopbackGuard } from './guard';
import { ensureRendererBuilt } from './renderer-build';
import { downloadRoute } from './download';
import { clearOldUploads, eventsRoute, invokeRoute, uploadRoute } from './routes';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WebServerOptions extends Omit<CoreOptions, 'home'> {
  home: string;
  /** 0 picks a free port. */
  port: number;
  maxUploadBytes?: number;
  /** Built renderer to serve (default out/web, built on start when missing or stale). */
  rendererDir?: string;
  /** False serves rendererDir as it is (tests); true (default) builds it first when missing or stale. */
  buildRenderer?: boolean;
  rebuild?: boolean;
}

export interface WebServer {
  url: string;
  core: Core;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/**
 * The renderer's CSP plus `frame-ancestors 'none'`: no other page (another local server, a site the person visits)
 * may frame the harness and trick clicks into it. Only a header can say this (browsers ignore frame-ancestors in the
 * renderer's <meta> CSP), so it is added here; X-Frame-Options: DENY says the same to browsers without CSP 2.
 */
export const HARNESS_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

async function buildApp(
  core: Core,
  options: WebServerOptions,
  rendererDir: string,
): Promise<FastifyInstance> {
  // forceCloseConnections: a browser's keep-alive or event socket must not hold up shutting down.
  const app = Fastify({ logger: { level: 'warn' }, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  let port = options.port;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Content-Security-Policy', HARNESS_CONTENT_SECURITY_POLICY);
    reply.header('X-Frame-Options', 'DENY');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    return payload;
  });
  await app.register(fastifyWebsocket);
  // After the websocket plugin's own onRequest hook, which marks upgrades so a refused one gets its socket closed.
  app.addHook(
    'onRequest',
    loopbackGuard(() => port),
  );
  await app.register(fastifyMultipart);
  invokeRoute(app, core);
  downloadRoute(app, core);
  const closeEvents = eventsRoute(app, core);
  app.addHook('onClose', async () => closeEvents());
  const uploads = path.join(options.home, 'uploads');
  clearOldUploads(uploads);
  uploadRoute(app, uploads, options.maxUploadBytes ?? 2 * 1024 * 1024 * 1024);
  await app.register(fastifyStatic, { root: rendererDir, prefix: '/', index: ['index.html'] });
  await app.listen({ host: LOOPBACK, port: options.port });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  return app;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const rendererDir = options.rendererDir ?? path.join(REPO_ROOT, 'out', 'web');
  if (options.buildRenderer ?? true)
    await ensureRendererBuilt(REPO_ROOT, rendererDir, options.rebuild ?? false);
  const {
    port: _p,
    maxUploadBytes: _m,
    rendererDir: _d,
    buildRenderer: _b,
    rebuild: _r,
    ...coreOptions
  } = options;
  const core = await createCore({ resourcesDir: REPO_ROOT, ...coreOptions });
  let app: FastifyInstance;
  try {
    app = await buildApp(core, options, rendererDir);
  } catch (error) {
    await core.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${LOOPBACK}:${port}/`,
    core,
    async close() {
      await app.close();
      await core.close();
    },
  };
}
