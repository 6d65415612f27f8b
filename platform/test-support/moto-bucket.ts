import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { platformPython, startMoto } from './services';

/** An S3 bucket on moto's server (loopback), with a client on it and the keys under a prefix listed, sorted. */
export interface MotoBucket {
  url: string;
  client: S3Client;
  keys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startMotoBucket(bucket: string): Promise<MotoBucket> {
  const moto = await startMoto(platformPython());
  // moto takes any credentials; the SDK (the platform's and this client) only needs some.
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  const client = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    url: moto.url,
    client,
    async keys(prefix) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (page.Contents ?? []).map((o) => o.Key!).sort();
    },
    async stop() {
      client.destroy();
      await moto.stop();
    },
  };
}
