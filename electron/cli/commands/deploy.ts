import type { Command } from 'commander';
import type { DeployedBundle, Deployment, DeploymentDownloads, DeploymentWithKey } from '../../contract';
import { AppError, formatBytes, type LocalCore as Core } from '../../core';
import { OVERRIDE_HELP } from '../accuracy-gate';
import { confirmDestructive } from '../confirm-removal';
import { findExport, withCore, type CommandContext } from '../context';
import { listByDefault } from './meta';

interface DeployOptions {
  endpoint?: string;
  token?: string;
  name?: string;
  overrideAccuracy?: boolean;
}

/** `edgepack deploy <export-id>` and `edgepack deployments list|show|deactivate|reactivate|regenerate-key|delete`. */
export function registerDeploy(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  program
    .command('deploy <export-id>')
    .description(
      'deploy an export (its ONNX + metadata.json) to the Edgepack platform: prints URL, key, curl',
    )
    .option('--endpoint <url>', 'platform URL, e.g. http://127.0.0.1:8080 (remembered)')
    .option('--token <token>', 'platform account token epk_acct_… (remembered in the data folder, 0600)')
    .option('--name <name>', 'deployment name')
    .option('--override-accuracy', OVERRIDE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (exportId: string, opts: DeployOptions) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const job = await findExport(core, exportId);
          const created = await core.handle('deploy:create', {
            exportId: job.id,
            ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
            ...(opts.token ? { token: opts.token } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.overrideAccuracy ? { overrideAccuracy: 'cli' as const } : {}),
          });
          out.result(keyedJson(created), () => keyedText(created));
          return 0;
        }),
      );
    });

  const deployments = program
    .command('deployments')
    .description(
      'hosted endpoints: list, show, push, deactivate, reactivate, regenerate-key, delete; alone, lists them',
    );
  const json = (c: Command) => c.option('--json', 'print one JSON document');

  const list = async () => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const all = await core.handle('deploy:list', { refresh: true });
        out.result(all, () => (all.length ? all.map(oneLine).join('\n') : 'No deployments yet.'));
        return 0;
      }),
    );
  };
  json(
    deployments.command('list').description('deployments, newest first, with fresh status and usage'),
  ).action(list);

  // Deactivating and deleting change what the endpoint's users get: asked first (as the app's card asks), saying what.
  const lifecycle = (
    name: string,
    description: string,
    channel: 'deploy:deactivate' | 'deploy:reactivate' | 'deploy:delete',
    consequence?: (d: Deployment) => string,
  ) => {
    const command = json(deployments.command(`${name} <id>`).description(description));
    if (consequence)
      command.option('-y, --yes', 'do not ask first (for scripts); without it, a terminal is asked');
    command.action(async (id: string, opts: { yes?: boolean }) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          if (consequence) {
            const what = consequence(await core.handle('deploy:get', { id }));
            if (!(await confirmDestructive(what, opts, `${name}d`))) {
              process.stderr.write(`Nothing was ${name}d.\n`);
              return 1;
            }
          }
          const deployment = await core.handle(channel, { id });
          out.result(deployment, () => details(deployment));
          return 0;
        }),
      );
    });
  };
  json(
    deployments
      .command('show <id>')
      .description('status, URL, key prefix, usage figures, history and download links (bundle.zip too)'),
  ).action(async (id: string) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const deployment = await core.handle('deploy:get', { id });
        const downloads = await downloadsOf(core, deployment);
        const shown = { ...deployment, downloads: downloads.links };
        out.result(shown, () => `${details(deployment)}\n${downloadsText(downloads)}`);
        return 0;
      }),
    );
  });
  lifecycle(
    'deactivate',
    'stop answering requests (the key is kept)',
    'deploy:deactivate',
    (d) =>
      `Deactivating endpoint ${d.name} makes ${d.endpointUrl ?? 'its URL'} refuse every request until it is reactivated (its key is kept).`,
  );
  lifecycle('reactivate', 'answer requests again', 'deploy:reactivate');
  lifecycle(
    'delete',
    'remove the endpoint from the platform (local history is kept)',
    'deploy:delete',
    (d) =>
      `Deleting endpoint ${d.name} removes it from the platform: ${d.endpointUrl ?? 'its URL'} stops answering, its key ${d.keyPrefix ?? ''}… stops working, and it cannot be reactivated. The history here is kept.`,
  );

  json(
    deployments
      .command('regenerate-key <id>')
      .description('a new key (shown once); the old one stops at once'),
  ).action(async (id: string) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const keyed = await core.handle('deploy:regenerateKey', { id });
        out.result(keyedJson(keyed), () => keyedText(keyed));
        return 0;
      }),
    );
  });
  json(
    deployments
      .command('push <id> <export-id>')
      .description(
        'a new model version from an export (its ONNX, metadata.json and bundle zip); the serving one stays if it fails',
      )
      .option('--override-accuracy', OVERRIDE_HELP),
  ).action(async (id: string, exportId: string, opts: { overrideAccuracy?: boolean }) => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const job = await findExport(core, exportId);
        const pushed = await core.handle('deploy:pushVersion', {
          id,
          exportId: job.id,
          ...(opts.overrideAccuracy ? { overrideAccuracy: 'cli' as const } : {}),
        });
        out.result(pushed, () =>
          [
            `Deployment ${pushed.deployment.id} now at version ${pushed.version ?? '—'} (${pushed.deployment.status}), export v${job.version}`,
            ...bundleLine(pushed.bundle),
          ].join('\n'),
        );
        return 0;
      }),
    );
  });
  listByDefault(deployments, list);
}

function keyedJson(k: DeploymentWithKey) {
  return {
    id: k.deployment.id,
    endpointUrl: k.deployment.endpointUrl,
    apiKey: k.apiKey,
    apiKeyNotice: 'Shown only once: store it now, or regenerate it later.',
    curl: k.curl,
    deployment: k.deployment,
    ...(k.bundle ? { bundle: k.bundle } : {}),
  };
}

function bundleLine(b: DeployedBundle | undefined): string[] {
  if (!b) return [];
  if (b.status === 'skipped') return [`Bundle   not uploaded: ${b.message}${b.hint ? ` (${b.hint})` : ''}`];
  return [
    `Bundle   ${b.path} (${formatBytes(b.sizeBytes)}, ${b.reused ? 'up to date, reused' : 'built now'}), offered as bundle.zip in \`edgepack deployments show\``,
  ];
}

interface ShownDownloads {
  links: DeploymentDownloads | null;
  why: string | null;
}

/** The serving version's download links; a deleted deployment, or a platform that cannot say, has none (and why). */
async function downloadsOf(core: Core, d: Deployment): Promise<ShownDownloads> {
  if (d.status === 'deleted') return { links: null, why: 'the deployment was deleted' };
  try {
    return { links: await core.handle('deploy:downloads', { id: d.id }), why: null };
  } catch (error) {
    if (error instanceof AppError) return { links: null, why: error.message };
    throw error;
  }
}

function downloadsText({ links, why }: ShownDownloads): string {
  if (!links) return `Downloads  none (${why})`;
  return [
    `Downloads  version ${links.version}, links valid until ${links.expiresAt}`,
    ...links.files.map(
      (f) =>
        `  ${f.name.padEnd(14)} ${f.sizeBytes === null ? '' : `${formatBytes(f.sizeBytes)}  `}${f.sha256 ? `sha256 ${f.sha256}` : ''}\n    ${f.url}`,
    ),
  ].join('\n');
}

function keyedText(k: DeploymentWithKey): string {
  return [
    `Deployment ${k.deployment.id} (${k.deployment.status})`,
    `URL      ${k.deployment.endpointUrl}`,
    `API key  ${k.apiKey}   (shown only once: store it now)`,
    ...bundleLine(k.bundle),
    '',
    k.curl,
  ].join('\n');
}

function oneLine(d: Deployment): string {
  return `${d.id}  ${d.status.padEnd(9)} ${String(d.usage.requestCount).padStart(6)} request${d.usage.requestCount === 1 ? ' ' : 's'}  ${d.endpointUrl ?? ''}`;
}

function details(d: Deployment): string {
  const avg = d.usage.averageInferenceTimeMs;
  return [
    `Deployment ${d.id} — ${d.name} (${d.status})`,
    `URL        ${d.endpointUrl ?? '—'}`,
    `Key        ${d.keyPrefix ?? '—'}`,
    `Export     ${d.exportId ?? '—'}`,
    `Limit      ${d.rateLimitPerMinute ?? '—'} requests/min (${d.tier ?? '—'})`,
    `Usage      ${d.usage.requestCount} request${d.usage.requestCount === 1 ? '' : 's'}${avg !== null ? `, ${avg} ms average server time (decode to answer)` : ''}, last ${d.usage.lastRequestAt ?? 'never'}`,
    ...(d.error ? [`Error      ${d.error}`] : []),
    'History',
    ...d.history.map(
      (h) => `  ${h.at}  ${h.event.padEnd(16)} ${h.statusBefore ?? '—'} → ${h.statusAfter ?? '—'}`,
    ),
  ].join('\n');
}
