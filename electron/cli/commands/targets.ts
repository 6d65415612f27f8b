import path from 'node:path';
import { Argument, type Command } from 'commander';
import type { RemoteTarget } from '../../contract';
import { withCore, type CommandContext } from '../context';
import { table } from '../format';
import { listByDefault } from './meta';

interface AddOptions {
  context: string;
  namespace: string;
  bucket: string;
  gpu?: boolean;
  image?: string;
  s3Endpoint?: string;
  s3Region?: string;
  kubeconfig?: string;
}

function targetsTable(targets: RemoteTarget[]): string {
  if (targets.length === 0)
    return 'No remote targets yet. Add one with `edgepack targets add k8s <name> --context C --namespace N --bucket B`.';
  return table(
    ['NAME', 'KIND', 'CONTEXT', 'NAMESPACE', 'BUCKET', 'GPU', 'IMAGE', 'KUBECONFIG'],
    targets.map((t) => [
      t.name,
      t.kind,
      t.context,
      t.namespace,
      t.s3Endpoint ? `${t.bucket} (${t.s3Endpoint})` : t.bucket,
      t.gpu ? 'yes' : 'no',
      t.image,
      t.kubeconfig ?? 'KUBECONFIG / ~/.kube/config',
    ]),
  );
}

/** `edgepack targets add k8s <name> …`, `targets list`, `targets remove <name>`: where exports can run (`--on`). */
export function registerTargets(
  program: Command,
  ctx: () => CommandContext,
  done: (code: number) => void,
): void {
  const targets = program
    .command('targets')
    .description('remote targets exports can run on (Kubernetes): add, list, remove; alone, lists them');

  const list = async () => {
    const { out } = ctx();
    done(
      await withCore(async (core) => {
        const all = await core.handle('targets:list', {});
        out.result(all, () => targetsTable(all));
        return 0;
      }),
    );
  };
  targets
    .command('list')
    .description('remote targets, by name')
    .option('--json', 'print one JSON document')
    .action(list);

  targets
    .command('add')
    .description(
      'add a Kubernetes target: checks the kubeconfig and context now (the namespace and bucket when an export runs)',
    )
    .addArgument(new Argument('<kind>', 'the kind of target: k8s').choices(['k8s']))
    .argument('<name>', 'a name for `edgepack export … --on <name>`, e.g. gpu-cluster')
    .requiredOption('--context <context>', 'kubeconfig context (`kubectl config get-contexts`)')
    .requiredOption('--namespace <namespace>', 'namespace the Jobs run in')
    .requiredOption('--bucket <bucket>', 'S3 bucket the checkpoint and artifacts go through')
    .option('--gpu', 'its nodes have NVIDIA GPUs (TensorRT engines are built there)')
    .option('--image <image>', 'trainer image (default: edgepack-trainer:<version>, -gpu with --gpu)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint, e.g. http://minio.local:9000 (default: AWS S3)')
    .option('--s3-region <region>', 'S3 region (default: the AWS chain’s)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)')
    .option('--json', 'print one JSON document')
    .action(async (kind: 'k8s', name: string, opts: AddOptions) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const added = await core.handle('targets:add', {
            kind,
            name,
            context: opts.context,
            namespace: opts.namespace,
            bucket: opts.bucket,
            gpu: opts.gpu ?? false,
            ...(opts.image !== undefined ? { image: opts.image } : {}),
            ...(opts.s3Endpoint !== undefined ? { s3Endpoint: opts.s3Endpoint } : {}),
            ...(opts.s3Region !== undefined ? { s3Region: opts.s3Region } : {}),
            ...(opts.kubeconfig !== undefined ? { kubeconfig: path.resolve(opts.kubeconfig) } : {}),
          });
          out.result(
            added,
            () =>
              `Added target ${added.name}: context ${added.context}, namespace ${added.namespace}, bucket ${added.bucket}${added.gpu ? ', GPU' : ''}. Run an export there with \`edgepack export <model> --on ${added.name}\`.`,
          );
          return 0;
        }),
      );
    });

  targets
    .command('remove <name>')
    .description('forget a remote target (nothing on the cluster or in the bucket is touched)')
    .option('--json', 'print one JSON document')
    .action(async (name: string) => {
      const { out } = ctx();
      done(
        await withCore(async (core) => {
          const removed = await core.handle('targets:remove', { name });
          out.result(removed, () => `Removed target ${removed.name}.`);
          return 0;
        }),
      );
    });

  listByDefault(targets, list);
}
