import { gunzipSync, gzipSync } from "node:zlib";

/** Below DynamoDB's 400 KB item limit with room for the key and attributes. */
export const CHUNK_BYTES = 350_000;

/**
 * A value as gzipped JSON cut into item-sized parts: a step's output (say 50,000 deleted
 * snapshot ids) may be larger than one DynamoDB item.
 */
export function encodeChunks(value: unknown, size = CHUNK_BYTES): Uint8Array[] {
  const packed = gzipSync(Buffer.from(JSON.stringify(value), "utf8"));
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < packed.length || parts.length === 0; offset += size) parts.push(packed.subarray(offset, offset + size));
  return parts;
}

export function decodeChunks(parts: Uint8Array[]): unknown {
  return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8"));
}
