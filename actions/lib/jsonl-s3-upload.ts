import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Transform, pipeline, type Writable } from "node:stream";
import { createGzip } from "node:zlib";

/** Where and how a JSON Lines object is written. */
export interface JsonLinesTarget {
  client: S3Client;
  bucket: string;
  key: string;
  gzip: boolean;
  /** Object tags, set with the object itself (no window where it exists untagged). */
  tags: Record<string, string>;
}

/** Upload tuning; the defaults bound memory to roughly (queueSize + 2) x partSize. */
export interface JsonLinesTuning {
  /** Bytes per multipart part; S3's minimum, 5 MiB, keeps memory low. */
  partSize: number;
  /** Parts uploaded at once. */
  queueSize: number;
}

export const DEFAULT_JSONL_TUNING: JsonLinesTuning = { partSize: 5 * 1024 * 1024, queueSize: 2 };

/** A streamed JSON Lines object that only comes into being with its first line. */
export interface JsonLinesUpload {
  /**
   * Appends text (whole lines, each ending in "\n"). Resolves once the upload can take more,
   * so a caller that awaits it never holds more than one chunk beyond the upload's buffers.
   */
  write(text: string): Promise<void>;
  /** Ends the object and waits until S3 has it. Nothing is written when `write` was never called. */
  close(): Promise<{ written: boolean; bytes: number }>;
  /** Gives up: a started multipart upload is aborted, so no part and no object stays behind. */
  abort(reason: unknown): Promise<void>;
}

interface Started {
  input: Writable;
  done: Promise<unknown>;
  failure: unknown;
  bytes: number;
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

// x-amz-tagging is a URL query; percent-encoding everything avoids the form encoding's "+" for space.
function taggingHeader(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join("&");
}

function start(target: JsonLinesTarget, tuning: JsonLinesTuning): Started {
  const state: Started = { input: undefined as unknown as Writable, done: Promise.resolve(), failure: undefined, bytes: 0 };
  // Counts what reaches S3, i.e. after compression.
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.bytes += chunk.length;
      callback(null, chunk);
    },
  });
  if (target.gzip) {
    const gzip = createGzip();
    // Errors travel both ways: a failed upload destroys gzip, a destroyed gzip fails the body.
    pipeline(gzip, body, () => {});
    state.input = gzip;
  } else {
    state.input = body;
  }
  state.input.on("error", (error) => {
    state.failure ??= error;
  });
  const upload = new Upload({
    client: target.client,
    partSize: tuning.partSize,
    queueSize: tuning.queueSize,
    // lib-storage aborts the multipart upload when a part fails or the body errors.
    leavePartsOnError: false,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: body,
      ContentType: target.gzip ? "application/gzip" : "application/x-ndjson",
      Tagging: taggingHeader(target.tags),
    },
  });
  state.done = upload.done();
  // A failed upload stops reading the body; destroying the input wakes a writer waiting for drain.
  state.done.catch((error: unknown) => {
    state.failure ??= error;
    state.input.destroy(asError(error));
  });
  return state;
}

function drained(input: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      input.off("drain", onDrain);
      input.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(input.errored ?? new Error("the upload stream closed before the archive was complete"));
    input.on("drain", onDrain);
    input.on("close", onClose);
  });
}

/**
 * Opens a JSON Lines object in S3, streamed through a multipart upload (optionally gzip'd).
 * The upload starts with the first `write`, so an archive with no line leaves no object.
 *
 * @example
 * const out = openJsonLinesUpload({ client: ctx.clients.s3, bucket: "b", key: "k.jsonl", gzip: false, tags: ctx.tags });
 * try {
 *   await out.write('{"id":1}\n');
 * } catch (error) {
 *   await out.abort(error);
 *   throw error;
 * }
 * const { bytes } = await out.close();
 */
export function openJsonLinesUpload(target: JsonLinesTarget, tuning: JsonLinesTuning = DEFAULT_JSONL_TUNING): JsonLinesUpload {
  let state: Started | undefined;
  return {
    async write(text) {
      state ??= start(target, tuning);
      if (state.failure) throw state.failure;
      if (!state.input.write(text)) await drained(state.input).catch((error: unknown) => {
        throw state!.failure ?? error;
      });
    },
    async close() {
      if (!state) return { written: false, bytes: 0 };
      if (state.failure) throw state.failure;
      state.input.end();
      await state.done;
      return { written: true, bytes: state.bytes };
    },
    async abort(reason) {
      if (!state) return;
      state.input.destroy(asError(reason));
      await state.done.catch(() => {});
    },
  };
}
