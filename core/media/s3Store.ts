import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { MediaLink, MediaStore } from "./store.js";

/**
 * Media files in a private S3 bucket (infra/media.ts): PutObject from the crawler, presigned
 * GetObject links from the API (SigV4 query signing: the link works without the API's
 * credentials until it expires, and never after), ListObjectsV2 + DeleteObjects for a
 * deleted task. Retention is the bucket's lifecycle rule, not this class.
 */
export class S3MediaStore implements MediaStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** Keys per DeleteObjects call; S3 takes at most 1000. */
    private readonly deleteBatch = 1000,
  ) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async bytesUnder(prefix: string): Promise<number> {
    let total = 0;
    for await (const object of this.#objects(prefix)) total += object.size;
    return total;
  }

  async deleteUnder(prefix: string): Promise<number> {
    let batch: string[] = [];
    let count = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const answer = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = answer.Errors ?? [];
      if (failed.length > 0)
        throw new Error(
          `S3 kept ${failed.length} of ${batch.length} files: ${failed[0]?.Code ?? ""} ${failed[0]?.Message ?? ""}`,
        );
      count += batch.length;
      batch = [];
    };
    for await (const object of this.#objects(prefix)) {
      batch.push(object.key);
      if (batch.length === this.deleteBatch) await flush();
    }
    await flush();
    return count;
  }

  async link(key: string, expiresInSecs: number): Promise<MediaLink> {
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSecs,
    });
    return { url, expires_at: new Date(Date.now() + expiresInSecs * 1000).toISOString() };
  }

  async *#objects(prefix: string): AsyncGenerator<{ key: string; size: number }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key !== undefined) yield { key: object.Key, size: object.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}
