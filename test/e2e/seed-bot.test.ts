import { beforeAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import { registry } from "../../actions/index.ts";
import { createHandler } from "../../engine/handler.ts";
import { scheduledEvent } from "../../engine/events.ts";
import { loadPoliciesOrThrow } from "../../engine/policy/load.ts";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";
import { drainMessages, sampleEvents, seedWorld, type World } from "../../emulator/world.ts";

// The seed article's three modules, as the example policies, through the Lambda handler, against moto.
const ec2 = new EC2Client({});
const s3 = new S3Client({ forcePathStyle: true });
// moto stamps snapshots with the real time, so "a month old" means a run 31 days from now.
const start = new Date();
const nightlyAt = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 31, 2));
const yesterday = new Date(nightlyAt.getTime() - 86_400_000).toISOString().slice(0, 10);
let world: World;
let handler: ReturnType<typeof createHandler>;

async function snapshotIds(filters: { Name: string; Values: string[] }[] = []): Promise<string[]> {
  const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: filters }));
  return (out.Snapshots ?? []).map((s) => s.SnapshotId!).sort();
}

beforeAll(async () => {
  world = await seedWorld({ nightlyAt });
  await new DynamoDBClient({}).send(new CreateTableCommand({
    TableName: "caretaker-state", BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
  handler = createHandler({
    registry,
    policies: loadPoliciesOrThrow(["policies"], registry),
    state: new DynamoDbStateStore(new DynamoDBClient({}), "caretaker-state"),
    env: { ...process.env, ...world.env },
    logger: new Logger({ serviceName: "caretaker-test", logLevel: "SILENT" }),
  });
});

describe("the seed's maintenance bot, end to end", () => {
  it("an EC2 stop event snapshots only the opted-in instance and publishes an alert", async () => {
    const before = await snapshotIds();
    const optedOut = await handler(sampleEvents.instanceStopped(world.notOptedIn.instanceId, start, "stop-not-opted-in"));
    expect(optedOut.runs.map((r) => [r.policy, r.steps[0]?.output])).toEqual([
      ["auto-snapshot-on-stop", { instance: world.notOptedIn.instanceId, skipped: "not-opted-in", snapshots: [] }],
    ]);
    const result = await handler(sampleEvents.instanceStopped(world.optedIn.instanceId, start, "stop-opted-in"));
    const snap = result.runs[0]!.steps[0]!.output as { snapshots: { volumeId: string; snapshotId: string }[] };
    expect(snap.snapshots.map((s) => s.volumeId).sort()).toEqual([...world.optedIn.volumeIds].sort());
    const after = await snapshotIds();
    expect(after.length).toBe(before.length + 2);
    const tagged = await snapshotIds([{ Name: "tag:caretaker:event-id", Values: ["stop-opted-in"] }]);
    expect(tagged).toEqual(snap.snapshots.map((s) => s.snapshotId).sort());

    const messages = await drainMessages(world.queueUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe(`[Auto-Snapshot] ${world.optedIn.instanceId} (stopped)`);
    expect(JSON.parse(messages[0]!.message).snapshots).toHaveLength(2);

    // At-least-once delivery: the same event again changes nothing.
    await handler(sampleEvents.instanceStopped(world.optedIn.instanceId, start, "stop-opted-in"));
    expect(await snapshotIds()).toEqual(after);
    expect(await drainMessages(world.queueUrl)).toHaveLength(0);
  });

  it("the nightly run 31 days later deletes old auto-created snapshots, archives yesterday's metrics and reports", async () => {
    const fresh = await snapshotIds([{ Name: "tag:caretaker:event-id", Values: ["stop-opted-in"] }]);
    const unmanaged = (await snapshotIds()).filter((id) => !fresh.includes(id) && !world.oldSnapshotIds.includes(id));
    const result = await handler(scheduledEvent("nightly-maintenance", nightlyAt));
    expect(result.runs.map((r) => r.policy)).toEqual(["nightly-maintenance"]);
    const [cleanup, archive, report] = result.runs[0]!.steps;
    // The world's auto-created snapshots and the ones made by the stop event are all a month old by now.
    const deleted = (cleanup!.output as { deleted: string[] }).deleted.sort();
    expect(deleted).toEqual([...world.oldSnapshotIds, ...fresh].sort());
    const remaining = await snapshotIds();
    // Kept: the hand-made backup and the snapshot moto made for the registered AMI, neither managed.
    expect(remaining).toEqual(unmanaged);
    expect(remaining).toContain(world.unmanagedSnapshotId);

    const key = `metrics/${yesterday}.jsonl`;
    expect(archive!.output).toMatchObject({ table: world.table, bucket: world.bucket, key, records: world.metrics.yesterday.length });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: world.bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: world.bucket, Key: key }))).Body!.transformToString();
    const lines = body.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(24);
    const byKey = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
    const normalise = (rows: Record<string, unknown>[]) => byKey(rows).map((r) => ({ ...r, tags: [...(r.tags as string[])].sort() }));
    expect(normalise(lines)).toEqual(normalise(world.metrics.yesterday));

    expect(report!.status).toBe("ok");
    const messages = await drainMessages(world.queueUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe(`[Caretaker] Daily report ${yesterday}`);
    expect(JSON.parse(messages[0]!.message)).toMatchObject({ date: yesterday, snapshotsDeleted: 4, metricsArchived: 24 });
  });

  it("a high-CPU alarm raises the group's desired capacity by 2, stopping at MaxSize, and notifies; a disk alarm only notifies", async () => {
    const asg = new AutoScalingClient({});
    const result = await handler(sampleEvents.alarm("high-cpu-web", world.group, nightlyAt, "alarm-cpu-1"));
    expect(result.runs.map((r) => r.policy)).toEqual(["high-cpu-scale-out"]);
    expect(result.runs[0]!.steps[0]!.output).toMatchObject({ group: world.group, previous: 3, desired: 4, max: 4, changed: true, reason: "at-max" });
    const group = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [world.group] }));
    expect(group.AutoScalingGroups![0]!.DesiredCapacity).toBe(4);

    const disk = await handler(sampleEvents.alarm("disk-space-web-1", undefined, nightlyAt, "alarm-disk-1"));
    expect(disk.runs.map((r) => r.policy)).toEqual(["disk-space-alert"]);
    const messages = await drainMessages(world.queueUrl);
    expect(messages.map((m) => m.subject).sort()).toEqual(["[Disk Space] disk-space-web-1 is in ALARM", `[Scale-Out] ${world.group}: 3 -> 4`]);
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [world.group] }))).AutoScalingGroups![0]!.DesiredCapacity).toBe(4);
  });
});
