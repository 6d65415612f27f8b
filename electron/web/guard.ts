import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './http-errors';

/**
 * The harness binds to loopback, but any web page the person visits could still reach it. Two checks:
 * the Host header must be our loopback address (defeats DNS rebinding) and a cross-site Origin is refused
 * for anything that changes state or opens the event socket.
 */
export function loopbackGuard(getPort: () => number) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const port = getPort();
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    const host = request.headers.host ?? '';
    const origin = request.headers.origin;
    const stateChanging = request.method !== 'GET' || request.headers.upgrade?.toLowerCase() === 'websocket';
    const badOrigin = origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`);
    if (!allowedHosts.includes(host) || (stateChanging && badOrigin)) {
      return reply.code(403).send(
        errorBody({
          code: 'FORBIDDEN_ORIGIN',
          message: `Refused a request from ${origin ?? host}: the Edgepack web harness only answers its own page.`,
          hint: `Open http://127.0.0.1:${port}/ directly.`,
        }),
      );
    }
  };
}
