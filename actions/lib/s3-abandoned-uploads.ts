import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * Aborts the multipart uploads left open for exactly `key`, such as the one of an attempt that
 * was killed mid-archive: their parts are billed until aborted. Called before a new upload of
 * the key, while this run holds the claim for its event, so no live upload of ours is touched.
 *
 * @example
 * const aborted = await abortAbandonedUploads(s3, "ops-archive", "metrics/2026-01-01.jsonl");
 */
export async function abortAbandonedUploads(client: S3Client, bucket: string, key: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== key || !upload.UploadId) continue;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }));
      aborted += 1;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
