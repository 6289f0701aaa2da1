import { paginateScan, type AttributeValue, type ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import jsonata from "jsonata";
import { defineAction, type ActionContext } from "../engine/action-contract.ts";
import { CaretakerError, ExpressionError } from "../engine/errors.ts";
import { plainItem, type PlainItem } from "./lib/dynamodb-plain-json.ts";
import { openJsonLinesUpload } from "./lib/jsonl-s3-upload.ts";
import { abortAbandonedUploads } from "./lib/s3-abandoned-uploads.ts";
import { iamLiteral } from "./lib/iam-literal.ts";

/** The text before the first `{% %}` block, or undefined when the value is unknown until run time. */
function staticText(value: string | undefined): { text: string; complete: boolean } | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf("{%");
  return at === -1 ? { text: value, complete: true } : { text: value.slice(0, at), complete: false };
}

function tableArn(table: string | undefined, partition: string, region: string, account: string): string {
  const name = staticText(table);
  if (name?.complete && name.text.startsWith("arn:")) return name.text;
  return `arn:${partition}:dynamodb:${region}:${account}:table/${name?.complete ? name.text : "*"}`;
}

function objectArn(bucket: string | undefined, key: string | undefined, partition: string): string {
  const b = staticText(bucket);
  const k = staticText(key);
  const bucketPart = b?.complete ? b.text : "*";
  const keyPart = k === undefined ? "*" : k.complete ? iamLiteral(k.text) : `${iamLiteral(k.text)}*`;
  return `arn:${partition}:s3:::${bucketPart}/${keyPart}`;
}

function bucketArn(bucket: string | undefined, partition: string): string {
  const b = staticText(bucket);
  return `arn:${partition}:s3:::${b?.complete ? b.text : "*"}`;
}

/** JSONata's own truthiness ($boolean), so `where` reads like a policy `filter`. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === "object") return Object.keys(value).length > 0;
  if (typeof value === "function") return false;
  return Boolean(value);
}

type Predicate = (item: PlainItem, index: number) => Promise<boolean>;

function compileWhere(text: string, ctx: ActionContext): Predicate {
  // Compiled here only to refuse a syntax error before the scan starts.
  try {
    jsonata(text);
  } catch (error) {
    throw new ExpressionError(`where: ${(error as { message?: string }).message ?? String(error)}`, { param: "where" }, { cause: error });
  }
  return async (item, index) => {
    try {
      // Through the engine: the run's bindings, and the bounds every policy expression has.
      return truthy(await ctx.evaluate(text, item));
    } catch (error) {
      throw new ExpressionError(`where failed on item ${index} of the scan: ${(error as { message?: string }).message ?? String(error)}`, { param: "where" }, { cause: error });
    }
  };
}

function filterValues(values: Record<string, unknown> | undefined): Record<string, AttributeValue> | undefined {
  if (values === undefined) return undefined;
  try {
    return marshall(values, { removeUndefinedValues: true });
  } catch (error) {
    throw new CaretakerError(`values: ${(error as Error).message}`, { cause: error });
  }
}

/** The Scan request: the table and, when given, the DynamoDB filter with plain-JSON values. */
export function assembleScanInput(params: { table: string; filter?: string; names?: Record<string, string>; values?: Record<string, unknown> }): ScanCommandInput {
  return {
    TableName: params.table,
    ...(params.filter !== undefined && { FilterExpression: params.filter }),
    ...(params.names !== undefined && { ExpressionAttributeNames: params.names }),
    ...(params.values !== undefined && { ExpressionAttributeValues: filterValues(params.values) }),
  };
}

export default defineAction({
  meta: {
    type: "archive-table",
    description:
      "Reads a whole DynamoDB table page by page and streams the matching items to one S3 object as JSON Lines " +
      "(optionally gzip'd), with bounded memory. Items become plain JSON: sets are arrays, binary is base64, and a " +
      "number a double cannot hold exactly (beyond 2^53, or more than 15 significant digits) is its exact decimal string. " +
      "Writes no object when no item matches; a failure aborts the multipart upload so nothing partial stays.",
    kind: "write",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["table", "bucket", "key"],
      properties: {
        table: { type: "string", minLength: 1, description: "DynamoDB table name (or ARN)." },
        bucket: { type: "string", minLength: 1, description: "S3 bucket that receives the archive." },
        key: { type: "string", minLength: 1, description: "S3 object key, e.g. metrics/{% $substring($ago('1d'), 0, 10) %}.jsonl.gz." },
        filter: { type: "string", minLength: 1, description: "DynamoDB FilterExpression, applied by DynamoDB while scanning." },
        names: {
          type: "object",
          description: "ExpressionAttributeNames for `filter` (#name: attribute).",
          propertyNames: { pattern: "^#[A-Za-z0-9_]+$" },
          additionalProperties: { type: "string" },
        },
        values: {
          type: "object",
          description: "ExpressionAttributeValues for `filter`, in plain JSON (:name: value).",
          propertyNames: { pattern: "^:[A-Za-z0-9_]+$" },
          additionalProperties: {},
        },
        where: { type: "string", minLength: 1, description: "JSONata predicate per item (the item is `$`, `$now` is bound); the item is kept when it is truthy." },
        gzip: { type: "boolean", default: false, description: "Compress the object with gzip." },
      },
      dependentRequired: { names: ["filter"], values: ["filter"] },
    } as const,
    permissions(params, { partition, region, account }) {
      return [
        { actions: ["dynamodb:Scan"], resources: [tableArn(params.table, partition, region, account)] },
        {
          // PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload; tags set with the object need PutObjectTagging.
          actions: ["s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"],
          resources: [objectArn(params.bucket, params.key, partition)],
        },
        // Finding the uploads a killed attempt left open for the key, to abort them.
        { actions: ["s3:ListBucketMultipartUploads"], resources: [bucketArn(params.bucket, partition)] },
      ];
    },
    expressions: ["where"],
    example: {
      table: "metrics",
      bucket: "ops-archive",
      key: "metrics/{% $substring($now, 0, 10) %}.jsonl.gz",
      filter: "#ts < :before",
      names: { "#ts": "timestamp" },
      values: { ":before": "{% $now %}" },
      gzip: true,
    },
  },
  async run(params, ctx) {
    const where = params.where === undefined ? undefined : compileWhere(params.where, ctx);
    const scanInput = assembleScanInput(params);
    ctx.assertWithinLimit(1, "S3 objects");
    const gzip = params.gzip ?? false;
    if (gzip !== params.key.endsWith(".gz")) {
      // Tools pick the decoder by the suffix; a mismatch yields an archive nobody can read back.
      ctx.log.warn("archive key suffix does not match the gzip setting", { key: params.key, gzip });
    }
    const abandoned = await abortAbandonedUploads(ctx.clients.s3, params.bucket, params.key);
    if (abandoned > 0) ctx.log.warn("aborted multipart uploads an earlier attempt left open", { bucket: params.bucket, key: params.key, aborted: abandoned });
    const out = openJsonLinesUpload({ client: ctx.clients.s3, bucket: params.bucket, key: params.key, gzip, tags: ctx.tags });
    let records = 0;
    let returned = 0;
    let scanned = 0;
    try {
      for await (const page of paginateScan({ client: ctx.clients.dynamodb }, scanInput)) {
        let text = "";
        for (const raw of page.Items ?? []) {
          const item = plainItem(raw);
          returned += 1;
          if (where && !(await where(item, returned))) continue;
          text += JSON.stringify(item) + "\n";
          records += 1;
        }
        // The next page is read only once the upload has taken this one: memory stays bounded.
        if (text) await out.write(text);
        scanned += page.ScannedCount ?? page.Items?.length ?? 0;
        ctx.progress(scanned, undefined, "items scanned");
      }
    } catch (error) {
      await out.abort(error);
      throw error;
    }
    const { bytes } = await out.close();
    return { table: params.table, records, bucket: params.bucket, key: params.key, bytes };
  },
});
