/**
 * The HTTP floor for the benchmark: a bare Fastify route, in a process of its own like the service, that reads the
 * same JSON body, parses it and decodes the base64 image, and answers a small JSON; no key, limiter or model.
 * Prints one JSON line with its URL when ready.
 */
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
app.post('/floor', async (request) => {
  const { image } = request.body as { image: string };
  return { bytes: Buffer.from(image, 'base64').byteLength, timing: { total_ms: 0 } };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}/floor` }));
process.once('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
