import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateSnapshotCommand, CreateVolumeCommand, DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { marshall } from "@aws-sdk/util-dynamodb";
import { scheduledEvent } from "../../engine/events.ts";

const ec2 = new EC2Client({});
const dynamodb = new DynamoDBClient({});
const s3 = new S3Client({ forcePathStyle: true });
const STATE_TABLE = "caretaker-state-crash";
const LEASE_MS = 2000;
const dir = mkdtempSync(join(tmpdir(), "caretaker-crash-"));
const figures: string[] = [];

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  records: Record<string, unknown>[];
}

/**
 * Runs one invocation in a child process. `killWhen` sees each progress record; when it says
 * so the child gets SIGKILL, as when Lambda's sandbox dies mid-action.
 */
function invoke(policyFile: string, event: unknown, killWhen?: (record: Record<string, unknown>) => boolean): Promise<ChildRun> {
  const child = spawn(process.execPath, ["bin/run-ts.js", "test/reliability/crash-child.ts"], {
    env: { ...process.env, CRASH_POLICY: policyFile, CRASH_EVENT: JSON.stringify(event), CRASH_STATE_TABLE: STATE_TABLE, CRASH_LEASE_MS: String(LEASE_MS) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const records: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const record = JSON.parse(line) as Record<string, unknown>;
    records.push(record);
    if (killWhen?.(record) && child.exitCode === null) child.kill("SIGKILL");
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr.slice(-2000)} ${JSON.stringify(records.slice(-3))}`));
      else resolve({ code, signal, records });
    });
  });
}

const afterLease = () => new Promise((r) => setTimeout(r, LEASE_MS + 300));

function writePolicy(name: string, text: string): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, text);
  return file;
}

async function snapshotIds(filters: { Name: string; Values: string[] }[]): Promise<string[]> {
  const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: filters }));
  return (out.Snapshots ?? []).map((s) => s.SnapshotId!).sort();
}

beforeAll(async () => {
  await dynamodb.send(new CreateTableCommand({
    TableName: STATE_TABLE, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const line of figures) console.log(`[crash] ${line}`);
});

describe("a process killed in the middle of an action, then run again", () => {
  it("bulk deletes: every old snapshot ends deleted once, the others kept", async () => {
    const OLD = 100;
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    const tags = (extra: Record<string, string>) => [{ ResourceType: "snapshot" as const, Tags: Object.entries({ "caretaker:managed": "true", ...extra }).map(([Key, Value]) => ({ Key, Value })) }];
    const targets: string[] = [];
    for (let i = 0; i < OLD; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, OLD - i) }, () => ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId!, TagSpecifications: tags({ crash: "bulk" }) }))));
      targets.push(...batch.map((s) => s.SnapshotId!));
    }
    const other = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId!, TagSpecifications: tags({ crash: "keep-me" }) }));
    const policy = writePolicy("crash-delete", `apiVersion: caretaker/v1
name: crash-delete
trigger: { schedule: "rate(1 day)" }
limits: { max-resources: 1000 }
actions:
  - type: delete-old-snapshots
    with: { older-than: 1d, tags: { "caretaker:managed": "true", crash: bulk } }
`);
    const event = scheduledEvent("crash-delete", new Date(Date.now() + 2 * 86_400_000));

    const killed = await invoke(policy, event, (r) => r.progress === "snapshots deleted" && Number(r.done) >= 24);
    expect(killed.signal).toBe("SIGKILL");
    const survivors = await snapshotIds([{ Name: "tag:crash", Values: ["bulk"] }]);
    // Killed mid-way: some deleted, some not.
    expect(survivors.length).toBeGreaterThan(0);
    expect(survivors.length).toBeLessThan(OLD);

    // Lambda's retry finds the claim held until the lease runs out; the one after it takes over.
    await afterLease();
    const resumed = await invoke(policy, event);
    const result = resumed.records.find((r) => r.result)?.result as { steps: { status: string; output: { deleted: string[] } }[] };
    expect(result.steps[0]!.status).toBe("ok");
    expect(await snapshotIds([{ Name: "tag:crash", Values: ["bulk"] }])).toEqual([]);
    expect(await snapshotIds([{ Name: "tag:crash", Values: ["keep-me"] }])).toEqual([other.SnapshotId]);
    // The run again deleted what the killed one left (and may meet a few it had in flight, already gone).
    expect(new Set(result.steps[0]!.output.deleted)).toEqual(new Set([...survivors]));
    const again = await invoke(policy, event);
    expect((again.records.find((r) => r.result)?.result as { reason: string }).reason).toBe("duplicate");
    figures.push(`bulk delete: ${OLD} old snapshots, killed after ${OLD - survivors.length} deletes; the run after the ${LEASE_MS} ms lease deleted the other ${survivors.length}; 1 snapshot of another selector kept; a later delivery was a duplicate`);
  });

  let leftOpen: string[] = [];
  it("archive upload: the object holds every matching item once", async () => {
    const ITEMS = 1200;
    const PAD = "x".repeat(10_000);
    await dynamodb.send(new CreateTableCommand({
      TableName: "big-metrics", BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }));
    for (let i = 0; i < ITEMS; i += 25) {
      const items = Array.from({ length: Math.min(25, ITEMS - i) }, (_, j) => ({ pk: `item-${String(i + j).padStart(5, "0")}`, keep: (i + j) % 10 !== 0, pad: PAD }));
      await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { "big-metrics": items.map((item) => ({ PutRequest: { Item: marshall(item) } })) } }));
    }
    await s3.send(new CreateBucketCommand({ Bucket: "crash-archive" }));
    const policy = writePolicy("crash-archive", `apiVersion: caretaker/v1
name: crash-archive
trigger: { schedule: "rate(1 day)" }
actions:
  - type: archive-table
    with: { table: big-metrics, bucket: crash-archive, key: big/all.jsonl, filter: "#keep = :yes", names: { "#keep": keep }, values: { ":yes": true } }
`);
    const event = scheduledEvent("crash-archive", new Date());

    // At 800 of 1,200 items (~7 MB) the first 5 MiB part is in S3: the upload is under way.
    const killed = await invoke(policy, event, (r) => r.progress === "items scanned" && Number(r.done) >= 800);
    expect(killed.signal).toBe("SIGKILL");
    const abandoned = (await s3.send(new ListMultipartUploadsCommand({ Bucket: "crash-archive" }))).Uploads ?? [];
    expect(abandoned.length).toBeGreaterThanOrEqual(1);

    await afterLease();
    const resumed = await invoke(policy, event);
    const result = resumed.records.find((r) => r.result)?.result as { steps: { status: string; output: { records: number } }[] };
    expect(result.steps[0]!.status).toBe("ok");
    const body = await (await s3.send(new GetObjectCommand({ Bucket: "crash-archive", Key: "big/all.jsonl" }))).Body!.transformToString();
    const keys = body.trimEnd().split("\n").map((line) => (JSON.parse(line) as { pk: string }).pk);
    const expected = Array.from({ length: ITEMS }, (_, i) => i).filter((i) => i % 10 !== 0).map((i) => `item-${String(i).padStart(5, "0")}`);
    expect(keys.length).toBe(expected.length);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(expected);
    expect(result.steps[0]!.output.records).toBe(expected.length);
    const open = (await s3.send(new ListMultipartUploadsCommand({ Bucket: "crash-archive" }))).Uploads ?? [];
    leftOpen = open.map((u) => u.UploadId!);
    figures.push(`archive: ${ITEMS} items of 10 KB, killed at 800 scanned with ${abandoned.length} multipart upload(s) open; the run after the lease wrote ${keys.length}/${expected.length} lines, no duplicate; multipart uploads left open: ${open.length}`);
  });

  // archive-table aborts the uploads a killed attempt left open for its key before it uploads again.
  it("archive upload: the killed attempt's multipart upload is aborted by the run after it", () => {
    expect(leftOpen).toEqual([]);
  });
});
