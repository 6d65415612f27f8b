import type { RemoteTarget } from '../../contract';
import type { Db } from './open';

interface TargetRow {
  name: string;
  kind: 'k8s';
  context: string;
  namespace: string;
  bucket: string;
  s3_endpoint: string | null;
  s3_region: string | null;
  gpu: 0 | 1;
  image: string;
  kubeconfig: string | null;
  created_at: string;
}

const toTarget = (r: TargetRow): RemoteTarget => ({
  name: r.name,
  kind: r.kind,
  context: r.context,
  namespace: r.namespace,
  bucket: r.bucket,
  s3Endpoint: r.s3_endpoint,
  s3Region: r.s3_region,
  gpu: r.gpu === 1,
  image: r.image,
  kubeconfig: r.kubeconfig,
  createdAt: r.created_at,
});

/** The `remote_targets` table: one row per named target, by name. */
export class RemoteTargetsRepo {
  constructor(private readonly db: Db) {}

  /** Stores a target; false when one of that name exists already (nothing written). */
  add(target: RemoteTarget): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO remote_targets
           (name, kind, context, namespace, bucket, s3_endpoint, s3_region, gpu, image, kubeconfig, created_at)
         VALUES (@name, @kind, @context, @namespace, @bucket, @s3Endpoint, @s3Region, @gpu, @image, @kubeconfig,
                 @createdAt)`,
      )
      .run({ ...target, gpu: target.gpu ? 1 : 0 });
    return result.changes === 1;
  }

  get(name: string): RemoteTarget | null {
    const row = this.db.prepare('SELECT * FROM remote_targets WHERE name = ?').get(name) as
      TargetRow | undefined;
    return row ? toTarget(row) : null;
  }

  /** By name. */
  list(): RemoteTarget[] {
    return (this.db.prepare('SELECT * FROM remote_targets ORDER BY name').all() as TargetRow[]).map(toTarget);
  }

  /** Whether a target of that name was there. */
  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM remote_targets WHERE name = ?').run(name).changes === 1;
  }
}
