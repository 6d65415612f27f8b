import { Command, InvalidArgumentError } from 'commander';
import { resolveHome } from '../core';
import { toAppError } from '../core/errors';
import { startWebServer } from './server';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port number (0 = any free port)');
  return n;
}

/** `npm run dev:web`: starts the harness and runs until SIGINT/SIGTERM; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('edgepack-web')
    .description('Serve the Edgepack app in a browser, backed by the same core (loopback only).')
    .option('-p, --port <port>', 'port on 127.0.0.1 (0 = any free port)', portNumber, 5180)
    .option('--home <dir>', 'data folder (default: EDGEPACK_HOME, else the OS app-data folder)')
    .option('--max-upload-mb <mb>', 'largest checkpoint accepted by upload', portNumber, 2048)
    .option('--rebuild', 'rebuild the renderer even when it looks up to date')
    .exitOverride();
  let opts: { port: number; home?: string; maxUploadMb: number; rebuild?: boolean };
  try {
    opts = program.parse(argv, { from: 'user' }).opts();
  } catch (error) {
    return (error as { exitCode?: number }).exitCode ?? 2;
  }

  let server;
  try {
    server = await startWebServer({
      home: opts.home ?? resolveHome(),
      port: opts.port,
      maxUploadBytes: opts.maxUploadMb * 1024 * 1024,
      rebuild: opts.rebuild ?? false,
      ...(process.env['EDGEPACK_TOOLCHAINS'] ? { toolchainsDir: process.env['EDGEPACK_TOOLCHAINS'] } : {}),
      ...(process.env['EDGEPACK_PYTHON'] ? { python: process.env['EDGEPACK_PYTHON'] } : {}),
    });
  } catch (error) {
    const e = toAppError(error);
    const inUse = (error as { code?: string }).code === 'EADDRINUSE';
    console.error(`edgepack-web: ${inUse ? `port ${opts.port} is already in use` : e.message}`);
    console.error(inUse ? 'Pick another with --port <n> (or --port 0 for any free port).' : e.hint);
    return 1;
  }
  console.log(`Edgepack web harness: ${server.url}`);

  const running = server;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
