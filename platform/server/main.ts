import { Command } from 'commander';
import { isTier, TIERS } from '../limits/tiers';
import { buildApp } from './app';
import { configFromEnv } from './config';
import { bootstrapAccount, createPlatform } from './platform';

/**
 * `npm run platform` starts the endpoint service (embedded ONNX Runtime, SQLite, in-process limits unless
 * TRITON_URL / DATABASE_URL / REDIS_URL / S3_BUCKET say otherwise). `npm run platform -- create-account` adds an account.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command('platform').description('Edgepack endpoint service').exitOverride();
  let exitCode = 0;

  program
    .command('serve', { isDefault: true })
    .description('start the HTTP service')
    .action(async () => {
      exitCode = await serve();
    });

  program
    .command('create-account')
    .description('create an account and print its token (shown once)')
    .requiredOption('--name <name>', 'account name')
    .option('--tier <tier>', `rate-limit tier (${TIERS.join(', ')})`, 'free')
    .action(async (options: { name: string; tier: string }) => {
      if (!isTier(options.tier)) {
        console.error(`Unknown tier "${options.tier}"; use one of ${TIERS.join(', ')}.`);
        exitCode = 2;
        return;
      }
      const platform = await createPlatform(configFromEnv());
      const { account, token } = await platform.createAccount(options.name, options.tier);
      console.log(
        JSON.stringify({ account_id: account.id, name: account.name, tier: account.tier, token }, null, 2),
      );
      await platform.close();
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (code !== undefined) return code;
    console.error((error as Error).message);
    return 1;
  }
  return exitCode;
}

async function serve(): Promise<number> {
  const config = configFromEnv();
  const log = (message: string) => console.log(`[platform] ${message}`);
  const platform = await createPlatform(config, log);
  const bootstrap = await bootstrapAccount(platform);
  const app = await buildApp(platform);
  await platform.deployments.restore();
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log(`listening on http://${config.host}:${port} (public URL ${config.publicUrl})`);
  log(
    `inference: ${platform.backend.describe()}; database: ${platform.store.db.dialect}; storage: ${platform.objects.describe()}`,
  );
  log(`rate limits: ${platform.limiter.status().detail}`);
  if (bootstrap) {
    log(
      `created account "${bootstrap.account.name}" (${bootstrap.account.tier} tier). Its token, shown only now:`,
    );
    console.log(bootstrap.token);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('shutting down');
  await app.close();
  await platform.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
