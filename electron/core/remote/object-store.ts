import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors';

/** The part of a remote target the object store needs (see targets.ts). */
export interface BucketTarget {
  name: string;
  bucket: string;
  s3Endpoint: string | null;
  s3Region: string | null;
}

/** What the trainer reports about the archive it PUT (its completion's `artifacts`). */
export interface ArtifactsDigest {
  bytes: number;
  sha256: string;
}

export interface PresignedUrls {
  checkpointUrl: string;
  artifactsUrl: string;
}

const PREFIX = 'edgepack/exports';

export function jobPrefix(jobId: string): string {
  return `${PREFIX}/${jobId}/`;
}

/**
 * S3 staging of one remote export: the checkpoint goes up under `edgepack/exports/<jobId>/`, the pod gets only presigned
 * URLs (never credentials), the artifacts archive comes back verified and is extracted safely, and the prefix goes.
 * Credentials come from the standard AWS chain (environment, shared config, instance role).
 */
export class JobObjects {
  private readonly client: S3Client;

  constructor(readonly target: BucketTarget) {
    this.client = new S3Client({
      region: target.s3Region ?? process.env['AWS_REGION'] ?? 'us-east-1',
      ...(target.s3Endpoint ? { endpoint: target.s3Endpoint, forcePathStyle: true } : {}),
      maxAttempts: 2,
    });
  }

  /** BUCKET_UNREACHABLE unless the bucket answers (checked before anything is created or uploaded). */
  async checkReachable(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.target.bucket }), {
        abortSignal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw bucketUnreachable(this.target, error);
    }
  }

  async uploadCheckpoint(jobId: string, file: string): Promise<{ key: string; bytes: number }> {
    const key = `${jobPrefix(jobId)}checkpoint.pt`;
    const bytes = fs.statSync(file).size;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.target.bucket,
          Key: key,
          Body: fs.createReadStream(file),
          ContentLength: bytes,
        }),
      );
    } catch (error) {
      throw bucketUnreachable(this.target, error);
    }
    return { key, bytes };
  }

  /** GET for the checkpoint, PUT for the artifacts archive, both valid for `expiresSeconds`. */
  async presign(jobId: string, expiresSeconds: number): Promise<PresignedUrls> {
    const Bucket = this.target.bucket;
    const expiresIn = Math.min(expiresSeconds, 7 * 24 * 3600); // SigV4's ceiling
    return {
      checkpointUrl: await getSignedUrl(
        this.client,
        new GetObjectCommand({ Bucket, Key: `${jobPrefix(jobId)}checkpoint.pt` }),
        { expiresIn },
      ),
      artifactsUrl: await getSignedUrl(
        this.client,
        new PutObjectCommand({ Bucket, Key: `${jobPrefix(jobId)}artifacts.tar.gz` }),
        { expiresIn },
      ),
    };
  }

  /**
   * Downloads artifacts.tar.gz to `archive` and checks its size and sha256 against what the trainer reported
   * (extractTarGz in safe-tar.ts then unpacks it).
   */
  async download(jobId: string, expected: ArtifactsDigest, archive: string): Promise<{ bytes: number }> {
    const key = `${jobPrefix(jobId)}artifacts.tar.gz`;
    let body: Readable;
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: key }));
      body = answer.Body as Readable;
    } catch (error) {
      throw new AppError(
        'REMOTE_ARTIFACTS_MISSING',
        `The export's files (s3://${this.target.bucket}/${key}) could not be downloaded: ${(error as Error).message}`,
        'The pod reported success but its archive is not readable in the bucket; check the bucket and export again.',
        { cause: error },
      );
    }
    const hash = createHash('sha256');
    let bytes = 0;
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await pipeline(body, fs.createWriteStream(archive));
    const sha256 = hash.digest('hex');
    if (sha256 !== expected.sha256 || bytes !== expected.bytes) {
      throw new AppError(
        'REMOTE_ARTIFACTS_CORRUPT',
        `The export's archive from s3://${this.target.bucket}/${key} is not what the trainer uploaded (got ${bytes} bytes, sha256 ${sha256}; the trainer reported ${expected.bytes} bytes, ${expected.sha256}).`,
        'The object was changed or cut short in the bucket; export again.',
      );
    }
    return { bytes };
  }

  /** Removes everything under the job's prefix (quietly: a bucket that went away keeps nothing of ours to remove). */
  async removeJob(jobId: string): Promise<void> {
    const Bucket = this.target.bucket;
    try {
      for (;;) {
        const listed = await this.client.send(new ListObjectsV2Command({ Bucket, Prefix: jobPrefix(jobId) }));
        const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (!keys.length) return;
        await this.client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
        if (!listed.IsTruncated) return;
      }
    } catch {
      /* best effort: a lifecycle rule on the bucket is the backstop */
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

export function openJobObjects(target: BucketTarget): JobObjects {
  return new JobObjects(target);
}

function bucketUnreachable(target: BucketTarget, error: unknown): AppError {
  const where = target.s3Endpoint ? ` at ${target.s3Endpoint}` : '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const why =
    status === 404
      ? 'it does not exist'
      : status === 403
        ? 'access is denied with the credentials found (AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws)'
        : (error as Error).message || (error as Error).name;
  return new AppError(
    'BUCKET_UNREACHABLE',
    `The bucket ${target.bucket}${where} of target ${target.name} could not be used: ${why}.`,
    `Check the bucket name, the S3 endpoint and the AWS credentials, then try again (edgepack targets add k8s ${target.name} … --bucket B [--s3-endpoint URL] replaces the target).`,
    { cause: error },
  );
}

/** The archive is kept beside the staging folder while it is extracted. */
export function archivePathFor(staging: string): string {
  return path.join(path.dirname(staging), `${path.basename(staging)}.artifacts.tar.gz`);
}
