import { beforeAll, describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { CreateTableCommand, PutItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import archiveTable from "../../actions/archive-table.ts";
import type { ActionContext } from "../../engine/action-contract.ts";
import { createClients } from "../../engine/clients.ts";
import { checkRenderedParams } from "../../engine/params.ts";
import { testContext } from "../support/action-context.ts";
import { seedTable } from "../../bench/archive-table.ts";

interface Output {
  table: string;
  records: number;
  bucket: string;
  key: string;
  bytes: number;
}

const BUCKET = "archive-bucket";
const NOW = "2026-03-01T02:00:00.000Z";
const aws = createClients();

function archive(params: Record<string, unknown>, ctx: ActionContext = testContext({ time: NOW })): Promise<Output> {
  return archiveTable.run({ bucket: BUCKET, ...params } as never, ctx) as unknown as Promise<Output>;
}

async function createTable(name: string): Promise<void> {
  await aws.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
}

async function objectBytes(key: string): Promise<Buffer> {
  const out = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

function lines(body: Buffer): unknown[] {
  const text = body.toString("utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n").map((line) => JSON.parse(line));
}

async function objectKeys(): Promise<string[]> {
  const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function pendingUploads(): Promise<number> {
  const out = await aws.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  return (out.Uploads ?? []).length;
}

/** Counts the Scan pages a context's DynamoDB client reads (observes; changes nothing). */
function countScans(ctx: ActionContext): { pages: number } {
  const seen = { pages: 0 };
  ctx.clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "ScanCommand") seen.pages += 1;
      return next(args);
    },
    { step: "initialize", name: "countScans" },
  );
  return seen;
}

// Items of about 20 KB: 400 of them span several 1 MB Scan pages and more than one 5 MiB part,
// while few items keep moto's per-item Scan cost low.
const PAD = 20_000;
function bulkItem(i: number): Record<string, AttributeValue> {
  return {
    pk: { S: `item-${String(i).padStart(5, "0")}` },
    n: { N: String(i) },
    kind: { S: i % 2 === 0 ? "even" : "odd" },
    pad: { S: "p".repeat(PAD) },
  };
}
const BULK = 400;

beforeAll(async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await createTable("types");
  await createTable("bulk");
  await createTable("empty");
  await seedTable(aws.dynamodb, "bulk", BULK, bulkItem);
});

describe("archive-table", () => {
  it("writes every DynamoDB type as plain JSON, one line per item, tagged", async () => {
    const items: Record<string, AttributeValue>[] = [
      {
        pk: { S: "a" },
        int: { N: "42" },
        negative: { N: "-7" },
        decimal: { N: "3.25" },
        big: { N: "123456789012345678901234567890" },
        precise: { N: "0.12345678901234567890123" },
        text: { S: "héllo \"quoted\"\nnew line" },
        flag: { BOOL: true },
        nothing: { NULL: true },
        bin: { B: new Uint8Array([0, 1, 2, 250]) },
        strings: { SS: ["x"] },
        numbers: { NS: ["1.5"] },
        binaries: { BS: [new Uint8Array([255])] },
        nested: { M: { list: { L: [{ N: "1" }, { S: "two" }, { M: { deep: { BOOL: false } } }, { L: [] }] }, empty: { M: {} } } },
      },
      { pk: { S: "b" }, only: { S: "key and one attribute" } },
    ];
    for (const item of items) await aws.dynamodb.send(new PutItemCommand({ TableName: "types", Item: item }));

    const out = await archive({ table: "types", key: "types/all.jsonl" });

    expect(out).toEqual({ table: "types", records: 2, bucket: BUCKET, key: "types/all.jsonl", bytes: expect.any(Number) });
    const body = await objectBytes("types/all.jsonl");
    expect(out.bytes).toBe(body.length);
    const byKey = Object.fromEntries(lines(body).map((l) => [(l as { pk: string }).pk, l]));
    expect(byKey).toEqual({
      a: {
        pk: "a",
        int: 42,
        negative: -7,
        decimal: 3.25,
        big: "123456789012345678901234567890",
        precise: "0.12345678901234567890123",
        text: "héllo \"quoted\"\nnew line",
        flag: true,
        nothing: null,
        bin: "AAEC+g==",
        strings: ["x"],
        numbers: [1.5],
        binaries: ["/w=="],
        nested: { list: [1, "two", { deep: false }, []], empty: {} },
      },
      b: { pk: "b", only: "key and one attribute" },
    });
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "types/all.jsonl" }));
    expect(head.ContentType).toBe("application/x-ndjson");
    const tags = await aws.s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "types/all.jsonl" }));
    expect(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]))).toEqual(testContext({ time: NOW }).tags);
  });

  it("reads every page of a table over 1 MB and streams it through a multipart upload", async () => {
    const ctx = testContext({ time: NOW });
    const scans = countScans(ctx);
    const progress: number[] = [];
    const out = await archive({ table: "bulk", key: "bulk/all.jsonl" }, { ...ctx, progress: (done) => progress.push(done) });

    expect(out.records).toBe(BULK);
    expect(scans.pages).toBeGreaterThanOrEqual(6);
    expect(progress).toHaveLength(scans.pages);
    expect(progress.at(-1)).toBe(BULK);
    const body = await objectBytes("bulk/all.jsonl");
    expect(out.bytes).toBe(body.length);
    const archived = lines(body) as { pk: string; n: number }[];
    expect(archived).toHaveLength(BULK);
    expect(new Set(archived.map((l) => l.n)).size).toBe(BULK);
    expect(archived.find((l) => l.pk === "item-00123")).toEqual({ pk: "item-00123", n: 123, kind: "odd", pad: "p".repeat(PAD) });
    const operations = ctx.clients.recorder.calls.map((c) => c.operation);
    expect(operations[0]).toBe("CreateMultipartUpload");
    expect(operations.filter((o) => o === "UploadPart")).toHaveLength(2);
    expect(operations.at(-1)).toBe("CompleteMultipartUpload");
    const tags = await aws.s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "bulk/all.jsonl" }));
    expect(tags.TagSet).toHaveLength(4);
  });

  it("applies a DynamoDB filter with names and plain-JSON values", async () => {
    const out = await archive({
      table: "bulk",
      key: "bulk/filtered.jsonl",
      filter: "#k = :kind AND #n BETWEEN :lo AND :hi",
      names: { "#k": "kind", "#n": "n" },
      values: { ":kind": "odd", ":lo": 100, ":hi": 120 },
    });

    expect(out.records).toBe(10);
    const archived = lines(await objectBytes("bulk/filtered.jsonl")) as { n: number }[];
    expect(archived.map((l) => l.n).sort((a, b) => a - b)).toEqual([101, 103, 105, 107, 109, 111, 113, 115, 117, 119]);
  });

  it("keeps the items a JSONata `where` holds truthy, with $now bound to the event time", async () => {
    const out = await archive({
      table: "bulk",
      key: "bulk/where.jsonl",
      where: `n < 5 and $substring($now, 0, 4) = "2026"`,
    });

    expect(out.records).toBe(5);
    const archived = lines(await objectBytes("bulk/where.jsonl")) as { n: number }[];
    expect(archived.map((l) => l.n).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("gzips the object when asked, and reports the compressed size", async () => {
    const out = await archive({ table: "bulk", key: "bulk/all.jsonl.gz", gzip: true, filter: "#n < :max", names: { "#n": "n" }, values: { ":max": 50 } });

    const body = await objectBytes("bulk/all.jsonl.gz");
    expect(out.bytes).toBe(body.length);
    const archived = lines(gunzipSync(body)) as { n: number }[];
    expect(archived).toHaveLength(50);
    expect(out.records).toBe(50);
    expect(out.bytes).toBeLessThan(50 * PAD);
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "bulk/all.jsonl.gz" }));
    expect(head.ContentType).toBe("application/gzip");
  });

  it("warns when the key's .gz suffix contradicts the gzip setting", async () => {
    const warnings: unknown[] = [];
    const ctx: ActionContext = { ...testContext({ time: NOW }), log: { info() {}, warn: (_message, fields) => warnings.push(fields) } };
    await archive({ table: "empty", key: "plain.jsonl.gz" }, ctx);
    await archive({ table: "empty", key: "packed.jsonl", gzip: true }, ctx);
    await archive({ table: "empty", key: "fine.jsonl.gz", gzip: true }, ctx);
    expect(warnings).toEqual([
      { key: "plain.jsonl.gz", gzip: false },
      { key: "packed.jsonl", gzip: true },
    ]);
  });

  it("writes no object when no item matches (empty table, or nothing passes the filters)", async () => {
    const ctx = testContext({ time: NOW });
    const empty = await archive({ table: "empty", key: "none/empty.jsonl" }, ctx);
    const unmatched = await archive({ table: "bulk", key: "none/unmatched.jsonl", where: "n < 0" }, ctx);

    expect(empty).toEqual({ table: "empty", records: 0, bucket: BUCKET, key: "none/empty.jsonl", bytes: 0 });
    expect(unmatched).toMatchObject({ records: 0, bytes: 0 });
    expect((await objectKeys()).filter((k) => k.startsWith("none/"))).toEqual([]);
    expect(ctx.clients.recorder.calls).toEqual([]);
  });

  it("in a dry run reads the table, records the upload and writes nothing", async () => {
    const ctx = testContext({ time: NOW, clientOptions: { dryRun: true } });
    const out = await archive({ table: "bulk", key: "dry/all.jsonl" }, ctx);

    expect(out.records).toBe(BULK);
    expect(out.bytes).toBeGreaterThan(BULK * PAD);
    expect(await objectKeys()).not.toContain("dry/all.jsonl");
    expect(await pendingUploads()).toBe(0);
    const calls = ctx.clients.recorder.calls;
    expect(calls.map((c) => c.operation)).toEqual(["CreateMultipartUpload", "UploadPart", "UploadPart", "CompleteMultipartUpload"]);
    expect(calls[0]).toMatchObject({ service: "S3", input: { Bucket: BUCKET, Key: "dry/all.jsonl", Tagging: expect.stringContaining("caretaker%3Amanaged=true") } });
  });

  it("aborts the multipart upload when a part fails, so no part and no object stay behind", async () => {
    const ctx = testContext({ time: NOW });
    // moto cannot be told to fail one UploadPart, so a middleware injects the fault into the real client.
    ctx.clients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UploadPartCommand" && (args.input as { PartNumber?: number }).PartNumber === 2) {
          throw Object.assign(new Error("injected UploadPart fault"), { name: "InjectedFault" });
        }
        return next(args);
      },
      { step: "initialize", name: "failSecondPart" },
    );

    await expect(archive({ table: "bulk", key: "faults/part.jsonl" }, ctx)).rejects.toThrow("injected UploadPart fault");

    expect(ctx.clients.recorder.calls.map((c) => c.operation)).toContain("AbortMultipartUpload");
    expect(await pendingUploads()).toBe(0);
    expect(await objectKeys()).not.toContain("faults/part.jsonl");
  });

  it("aborts the multipart upload when the scan fails after parts were sent", async () => {
    const ctx = testContext({ time: NOW });
    // moto cannot fail a Scan on demand; the fault comes once the first 5 MiB part has gone out.
    ctx.clients.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const partSent = ctx.clients.recorder.calls.some((c) => c.operation === "UploadPart");
        if (context.commandName === "ScanCommand" && partSent) {
          throw Object.assign(new Error("injected Scan fault"), { name: "InjectedFault" });
        }
        return next(args);
      },
      { step: "initialize", name: "failScanAfterFirstPart" },
    );

    await expect(archive({ table: "bulk", key: "faults/scan.jsonl" }, ctx)).rejects.toThrow("injected Scan fault");

    const operations = ctx.clients.recorder.calls.map((c) => c.operation);
    expect(operations).toContain("UploadPart");
    expect(operations.at(-1)).toBe("AbortMultipartUpload");
    expect(await pendingUploads()).toBe(0);
    expect(await objectKeys()).not.toContain("faults/scan.jsonl");
  });

  it("reports a broken `where` as an expression error before it reads the table", async () => {
    const ctx = testContext({ time: NOW });
    const scans = countScans(ctx);
    await expect(archive({ table: "bulk", key: "x.jsonl", where: "n <" }, ctx)).rejects.toMatchObject({ name: "ExpressionError", where: { param: "where" } });
    expect(scans.pages).toBe(0);
  });

  it("fails with an expression error when `where` breaks on an item, and leaves nothing behind", async () => {
    const failing = archive({ table: "bulk", key: "faults/where.jsonl", where: `n = 350 ? $error("bad item") : true` });
    await expect(failing).rejects.toMatchObject({ name: "ExpressionError", where: { param: "where" }, message: expect.stringContaining("bad item") });
    expect(await pendingUploads()).toBe(0);
    expect(await objectKeys()).not.toContain("faults/where.jsonl");
  });

  it("fails on a table that does not exist, and writes nothing", async () => {
    await expect(archive({ table: "missing", key: "missing.jsonl" })).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(await objectKeys()).not.toContain("missing.jsonl");
  });
});

describe("archive-table params schema", () => {
  const at = { policy: "p", step: 0 };
  const base = { table: "t", bucket: "b", key: "k.jsonl" };

  it("fills gzip's default and accepts a full filter", () => {
    const full = { ...base, filter: "#a = :v", names: { "#a": "a" }, values: { ":v": { nested: [1] } } };
    expect(checkRenderedParams(archiveTable, { ...full }, at)).toEqual({ ...full, gzip: false });
  });

  it.each([
    ["names without a filter", { ...base, names: { "#a": "a" } }],
    ["values without a filter", { ...base, values: { ":v": 1 } }],
    ["a name not starting with #", { ...base, filter: "a = :v", names: { a: "a" } }],
    ["a value not starting with :", { ...base, filter: "a = :v", values: { v: 1 } }],
    ["an unknown parameter", { ...base, tabel: "t" }],
    ["a missing key", { table: "t", bucket: "b" }],
  ])("rejects %s", (_name, params) => {
    expect(() => checkRenderedParams(archiveTable, params, at)).toThrow(expect.objectContaining({ name: "ExpressionError" }));
  });
});

describe("archive-table permissions", () => {
  const at = { partition: "aws", region: "eu-west-1", account: "123456789012" };

  it("grants Scan on the table and writes under the key only", () => {
    expect(archiveTable.meta.permissions({ table: "metrics", bucket: "ops", key: "daily/m.jsonl" }, at)).toEqual([
      { actions: ["dynamodb:Scan"], resources: ["arn:aws:dynamodb:eu-west-1:123456789012:table/metrics"] },
      { actions: ["s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"], resources: ["arn:aws:s3:::ops/daily/m.jsonl"] },
      { actions: ["s3:ListBucketMultipartUploads"], resources: ["arn:aws:s3:::ops"] },
    ]);
  });

  it("narrows a templated key to its static prefix, and widens what is unknown", () => {
    const [scan, put] = archiveTable.meta.permissions({ table: undefined, bucket: "ops", key: "daily/{% $now %}-*.jsonl" }, at);
    expect(scan!.resources).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/*"]);
    expect(put!.resources).toEqual(["arn:aws:s3:::ops/daily/*"]);
    const [, unknown] = archiveTable.meta.permissions({ table: "t", bucket: undefined, key: undefined }, at);
    expect(unknown!.resources).toEqual(["arn:aws:s3:::*/*"]);
  });

  it("escapes IAM wildcards in a literal key", () => {
    const [, put] = archiveTable.meta.permissions({ table: "t", bucket: "ops", key: "a*b?$c" }, { ...at, partition: "aws-cn" });
    expect(put!.resources).toEqual(["arn:aws-cn:s3:::ops/a${*}b${?}${$}c"]);
  });
});
