import { spawn } from "node:child_process";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  paginateScan,
  type AttributeValue,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import archiveTable from "../actions/archive-table.ts";
import { DEFAULT_JSONL_TUNING } from "../actions/lib/jsonl-s3-upload.ts";
import { clientConfig, createClients } from "../engine/clients.ts";
import { assembleActionContext } from "../engine/run-context.ts";
import { emulatorEnv, startMoto } from "../emulator/moto-server.ts";

const SMALL = 10_000;
const LARGE = 100_000;
const BUCKET = "bench-archive";
/** Peak RSS of the large run may exceed the small run's by at most this much. */
const RSS_BUDGET_MB = 30;
/** The action may take at most this multiple of the bare SDK loop's wall time. */
const TIME_BUDGET = 1.3;
const TIMING_ROUNDS = 5;

/**
 * A metrics-like item of about 300 bytes, as the nightly archive sees them. Few attributes,
 * because moto spends ~1 ms per attribute value serializing a Scan page: 100,000 items
 * already take minutes to scan, and that wait is the same for the action and the baseline.
 */
export function benchItem(i: number): Record<string, AttributeValue> {
  return {
    pk: { S: `host-${String(i % 500).padStart(4, "0")}#${String(i).padStart(8, "0")}` },
    ts: { N: String(1_767_225_600 + i * 60) },
    value: { N: (i * 0.37).toFixed(2) },
    detail: { M: { metric: { S: i % 2 === 0 ? "cpu" : "disk" }, note: { S: "x".repeat(200) } } },
  };
}

/**
 * Fills a table with BatchWriteItem (25 items per call, `concurrency` calls at once),
 * resending what DynamoDB leaves unprocessed.
 *
 * @example
 * await seedTable(new DynamoDBClient({}), "metrics", 1000, benchItem);
 */
export async function seedTable(
  client: DynamoDBClient,
  table: string,
  count: number,
  make: (i: number) => Record<string, AttributeValue>,
  concurrency = 8,
): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + 25);
      let requests: WriteRequest[] = [];
      for (let i = start; i < next; i++) requests.push({ PutRequest: { Item: make(i) } });
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface ChildResult {
  mode: string;
  table: string;
  records: number;
  bytes: number;
  ms: number;
  /** CPU time of the Node process during the run: what the code itself costs, without moto's wait. */
  cpuMs: number;
  /** RSS once every module is loaded, just before the run. */
  rssBeforeMb: number;
  maxRssMb: number;
  /** Largest JS heap plus buffers seen during the run (sampled): RSS hides it in memory freed after start-up. */
  peakHeapMb: number;
}

/** The baseline: the simplest correct Scan-and-upload loop, with the same pages and the same multipart upload. */
async function bareLoop(table: string, key: string): Promise<{ records: number; bytes: number }> {
  const dynamodb = new DynamoDBClient(clientConfig());
  const s3 = new S3Client(clientConfig());
  const body = new PassThrough();
  let bytes = 0;
  const upload = new Upload({ client: s3, ...DEFAULT_JSONL_TUNING, params: { Bucket: BUCKET, Key: key, Body: body } });
  const done = upload.done();
  let records = 0;
  for await (const page of paginateScan({ client: dynamodb }, { TableName: table })) {
    let text = "";
    for (const item of page.Items ?? []) text += JSON.stringify(unmarshall(item)) + "\n";
    records += page.Items?.length ?? 0;
    bytes += Buffer.byteLength(text);
    if (!body.write(text)) await once(body, "drain");
  }
  body.end();
  await done;
  return { records, bytes };
}

async function actionRun(table: string, key: string): Promise<{ records: number; bytes: number }> {
  const ctx = assembleActionContext({
    clients: createClients(),
    policy: { name: "bench", version: "000000000000" },
    event: { id: "bench", time: new Date().toISOString() },
  });
  const out = await archiveTable.run({ table, bucket: BUCKET, key } as never, ctx);
  return { records: out.records as number, bytes: out.bytes as number };
}

async function child(mode: string, table: string, key: string): Promise<void> {
  const rssBeforeMb = process.memoryUsage.rss() / 2 ** 20;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
  };
  const sampler = setInterval(sample, 20);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const out = mode === "bare" ? await bareLoop(table, key) : await actionRun(table, key);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  sample();
  const result: ChildResult = {
    mode,
    table,
    ...out,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    rssBeforeMb,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function runChild(mode: string, table: string, key: string): Promise<ChildResult> {
  const runner = fileURLToPath(new URL("../bin/run-ts.js", import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [runner, self, "--child", mode, table, key], {
    stdio: ["ignore", "pipe", "inherit"],
    // The parent has shown the SDK's Node version notice once already.
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let stdout = "";
  proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number | null];
  if (code !== 0) throw new Error(`bench child ${mode} ${table} exited with ${code}`);
  return JSON.parse(stdout.trim().split("\n").pop()!) as ChildResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Peak memory of archive-table at 10k vs 100k items, and its wall time against a bare SDK loop. */
export default async function bench(): Promise<boolean> {
  const moto = await startMoto();
  const env = emulatorEnv(moto.endpoint);
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    const dynamodb = new DynamoDBClient(clientConfig());
    await new S3Client(clientConfig()).send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const count of [SMALL, LARGE]) {
      const table = `bench-${count}`;
      await dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }),
      );
      const seeded = performance.now();
      await seedTable(dynamodb, table, count, benchItem);
      console.log(`seeded ${count} items in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    }

    const small = await runChild("action", `bench-${SMALL}`, "small.jsonl");
    const large = await runChild("action", `bench-${LARGE}`, "large.jsonl");
    for (const r of [small, large]) {
      if (r.records !== Number(r.table.slice("bench-".length))) throw new Error(`${r.table}: archived ${r.records} records`);
    }
    const growth = large.maxRssMb - small.maxRssMb;
    for (const r of [small, large]) {
      console.log(
        `archive ${r.records} items (${(r.bytes / 1e6).toFixed(1)} MB): peak RSS ${r.maxRssMb.toFixed(1)} MB, ` +
          `RSS before the run ${r.rssBeforeMb.toFixed(1)} MB, peak heap + buffers ${r.peakHeapMb.toFixed(1)} MB, ` +
          `${(r.ms / 1000).toFixed(1)} s, CPU ${(r.cpuMs / 1000).toFixed(1)} s`,
      );
    }
    console.log(`peak RSS growth ${LARGE} vs ${SMALL} items: ${growth.toFixed(1)} MB (budget ${RSS_BUDGET_MB} MB): ${growth <= RSS_BUDGET_MB ? "PASS" : "FAIL"}`);

    // moto's Scan dominates the wall time and the machine's load drifts, so the two loops take
    // turns on the smaller table and the medians are compared; CPU time shows the code's own cost.
    const action: ChildResult[] = [];
    const bare: ChildResult[] = [];
    for (let round = 0; round < TIMING_ROUNDS; round++) {
      // ABBA order, so a steady drift in load favours neither side.
      const order = round % 2 === 0 ? ["bare", "action"] : ["action", "bare"];
      for (const mode of order) (mode === "bare" ? bare : action).push(await runChild(mode, `bench-${SMALL}`, `${mode}.jsonl`));
    }
    const seconds = (runs: ChildResult[], field: "ms" | "cpuMs") => median(runs.map((r) => r[field])) / 1000;
    const ratio = seconds(action, "ms") / seconds(bare, "ms");
    const cpuRatio = seconds(action, "cpuMs") / seconds(bare, "cpuMs");
    console.log(
      `${SMALL} items, median of ${TIMING_ROUNDS}: action ${seconds(action, "ms").toFixed(1)} s (CPU ${seconds(action, "cpuMs").toFixed(2)} s), ` +
        `bare SDK loop ${seconds(bare, "ms").toFixed(1)} s (CPU ${seconds(bare, "cpuMs").toFixed(2)} s); CPU ratio ${cpuRatio.toFixed(2)}x`,
    );
    const each = (runs: ChildResult[]) => runs.map((r) => (r.ms / 1000).toFixed(1)).join(", ");
    console.log(`wall times (s): action ${each(action)}; bare ${each(bare)}`);
    console.log(`wall time ratio ${ratio.toFixed(2)}x (budget ${TIME_BUDGET}x): ${ratio <= TIME_BUDGET ? "PASS" : "FAIL"}`);
    return growth <= RSS_BUDGET_MB && ratio <= TIME_BUDGET;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await moto.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--child");
  if (at !== -1) {
    const [mode, table, key] = process.argv.slice(at + 1);
    await child(mode!, table!, key!);
  } else if (!(await bench())) {
    process.exitCode = 1;
  }
}
