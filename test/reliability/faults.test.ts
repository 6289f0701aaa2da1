import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateSnapshotCommand, DescribeSnapshotsCommand, EC2Client, type Snapshot } from "@aws-sdk/client-ec2";
import { GetObjectCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { registry } from "../../actions/index.ts";
import { createClients } from "../../engine/clients.ts";
import { InProgressError, StepError } from "../../engine/errors.ts";
import { assertEvent, scheduledEvent, type EventBridgeEvent } from "../../engine/events.ts";
import { loadPoliciesOrThrow } from "../../engine/policy/load.ts";
import type { LoadedPolicy } from "../../engine/policy/types.ts";
import { runPolicy, type RunResult } from "../../engine/runner.ts";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";
import { drainMessages, sampleEvents, seedWorld, type World } from "../../emulator/world.ts";
import { formatFaultStats, startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";

// Injected faults: 20% of all requests of the runs (state table included), seeded for replay.
const RATE = Number(process.env.FAULT_RATE ?? 0.2);
const SEED = Number(process.env.FAULT_SEED ?? 20261203);
// Lambda's async invocation: the first delivery and up to 2 retries of the same event.
const MAX_DELIVERIES = 3;
// Fewer SDK attempts than production's 8, so that faults do escalate to failed deliveries and
// the resume-after-failure path is exercised, not only the SDK's own retries.
const SDK_ATTEMPTS = Number(process.env.FAULT_SDK_ATTEMPTS ?? 3);
// A production-like lease: a delivery wrongly refused as "in progress" would show up as lost.
const LEASE_MS = 60_000;
const EXTRA_OLD_SNAPSHOTS = 40;
const STOP_EVENTS = 6;
const ALARM_EVENTS = 3;

const endpoint = process.env.AWS_ENDPOINT_URL!;
const ec2 = new EC2Client({});
const s3 = new S3Client({ forcePathStyle: true });
const dynamodb = new DynamoDBClient({});
const autoScaling = new AutoScalingClient({});
const stateTable = "caretaker-state-faults";
const nightlyAt = new Date(Date.now() + 31 * 86_400_000);
nightlyAt.setUTCHours(2, 0, 0, 0);

let proxy: FaultProxy;
let world: World;
let policies: Map<string, LoadedPolicy>;
let oldSnapshotIds: string[];
const figures: string[] = [];

interface Delivered {
  deliveries: number;
  failures: string[];
  final: RunResult;
  /** Publish answers lost and retried by the SDK: each one is a second message. */
  lostPublishes: number;
  /**
   * Failed deliveries that had applied a write with no idempotency key (Publish,
   * SetDesiredCapacity) before failing: the redelivery may apply it again (a known limit).
   */
  failedAfter: Record<string, number>;
}

const UNKEYED_WRITES = ["sns:Publish", "autoscaling:SetDesiredCapacity"];

/**
 * Delivers one event the way Lambda's async invocation does: again after each failure, at most
 * MAX_DELIVERIES times, then once more as the duplicate that at-least-once delivery allows,
 * which must change nothing.
 */
async function deliver(policyName: string, event: EventBridgeEvent): Promise<Delivered> {
  const policy = policies.get(policyName)!;
  // The state store keeps production's 8 attempts: only the actions' calls are made fragile.
  const state = new DynamoDbStateStore(createClients({ config: { endpoint: proxy.url } }).dynamodb, stateTable);
  const lostBefore = proxy.stats.appliedThenLost["sns:Publish"] ?? 0;
  const failures: string[] = [];
  const failedAfter: Record<string, number> = {};
  let final: RunResult | undefined;
  for (let delivery = 1; delivery <= MAX_DELIVERIES && !final; delivery++) {
    const clients = createClients({ config: { endpoint: proxy.url }, maxAttempts: SDK_ATTEMPTS });
    const appliedBefore = { ...proxy.stats.applied };
    try {
      final = await runPolicy(policy, event, { registry, state, env: world.env, clients, leaseMs: LEASE_MS });
    } catch (error) {
      failures.push(`${(error as Error).name}: ${(error as Error).message}`);
      for (const op of UNKEYED_WRITES) if ((proxy.stats.applied[op] ?? 0) > (appliedBefore[op] ?? 0)) failedAfter[op] = (failedAfter[op] ?? 0) + 1;
      if (error instanceof InProgressError) continue;
      if (!(error instanceof StepError) && (error as { $metadata?: unknown }).$metadata === undefined) throw error;
    }
  }
  if (!final) throw new Error(`${policyName}: not done after ${MAX_DELIVERIES} deliveries:\n${failures.join("\n")}`);
  const duplicate = await runPolicy(policy, event, { registry, state, env: world.env, clients: createClients({ config: { endpoint: proxy.url } }), leaseMs: LEASE_MS });
  expect(duplicate.reason).toBe("duplicate");
  expect(duplicate.calls).toEqual([]);
  const lostPublishes = (proxy.stats.appliedThenLost["sns:Publish"] ?? 0) - lostBefore;
  deliveryFigures.deliveries += failures.length + 1;
  deliveryFigures.failed += failures.length;
  deliveryFigures.duplicates += 1;
  for (const f of failures) deliveryFigures.causes.add(f.split(":")[0]!);
  return { deliveries: failures.length + 1, failures, final, lostPublishes, failedAfter };
}

const deliveryFigures = { deliveries: 0, failed: 0, duplicates: 0, causes: new Set<string>() };

/**
 * One message per event, plus only the known at-least-once duplicates: a Publish whose answer
 * was lost (the SDK sends it again) or a delivery that failed after publishing (Lambda redelivers).
 */
function expectNotifications(messages: unknown[], runs: Delivered[]): string {
  const lost = runs.reduce((n, r) => n + r.lostPublishes, 0);
  const redelivered = runs.reduce((n, r) => n + (r.failedAfter["sns:Publish"] ?? 0), 0);
  expect(messages.length).toBeGreaterThanOrEqual(runs.length);
  expect(messages.length).toBeLessThanOrEqual(runs.length + lost + redelivered);
  return `notifications=${messages.length} for ${runs.length} events (${messages.length - runs.length} at-least-once duplicates; ${lost} lost Publish answers, ${redelivered} redeliveries after a Publish)`;
}

async function snapshotsOfVolumes(volumeIds: string[]): Promise<Snapshot[]> {
  const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "volume-id", Values: volumeIds }] }));
  return out.Snapshots ?? [];
}

function tag(snapshot: Snapshot, key: string): string | undefined {
  return snapshot.Tags?.find((t) => t.Key === key)?.Value;
}

beforeAll(async () => {
  world = await seedWorld({ nightlyAt });
  policies = new Map(loadPoliciesOrThrow(["policies"], registry).map((p) => [p.doc.name, p]));
  await dynamodb.send(new CreateTableCommand({
    TableName: stateTable, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
  // More old managed snapshots, so the nightly run makes dozens of deletes under faults.
  const managedTags = [{ Key: "caretaker:managed", Value: "true" }, { Key: "caretaker:policy", Value: "auto-snapshot-on-stop" }];
  oldSnapshotIds = [...world.oldSnapshotIds];
  for (let i = 0; i < EXTRA_OLD_SNAPSHOTS; i++) {
    const volumeId = world.optedIn.volumeIds[i % 2]!;
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId, Description: `older auto-snapshot ${i}`, TagSpecifications: [{ ResourceType: "snapshot", Tags: managedTags }] }));
    oldSnapshotIds.push(snap.SnapshotId!);
  }
  // The seed's group sits one below its MaxSize; this one has room, so "+2 once" is visible.
  await autoScaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: "burst-asg", LaunchTemplate: { LaunchTemplateName: "web", Version: "$Latest" },
    MinSize: 1, MaxSize: 10, DesiredCapacity: 2, AvailabilityZones: ["us-east-1a"],
  }));
  await drainMessages(world.queueUrl);
  proxy = await startFaultProxy({ target: endpoint, rate: RATE, seed: SEED });
});

afterAll(async () => {
  await proxy?.close();
  if (proxy) {
    console.log(`[faults] rate=${RATE} seed=${SEED} sdk-attempts=${SDK_ATTEMPTS} (state store 8) ${formatFaultStats(proxy.stats)}`);
    console.log(`[faults] deliveries=${deliveryFigures.deliveries} (failed and redelivered: ${deliveryFigures.failed}: ${[...deliveryFigures.causes].join(", ") || "none"}) + ${deliveryFigures.duplicates} duplicate deliveries after success, each a no-op`);
    for (const line of figures) console.log(`[faults] ${line}`);
  }
});

describe(`the seed's policies under ${RATE * 100}% injected faults with redelivery`, () => {
  it("nightly maintenance deletes every old managed snapshot and no other, archives exactly yesterday's items, reports once", async () => {
    const event = scheduledEvent("nightly-maintenance", nightlyAt);
    const run = await deliver("nightly-maintenance", event);

    const remaining = await snapshotsOfVolumes([...world.optedIn.volumeIds, ...world.notOptedIn.volumeIds]);
    const remainingIds = new Set(remaining.map((s) => s.SnapshotId));
    for (const id of oldSnapshotIds) expect(remainingIds.has(id)).toBe(false);
    expect([...remainingIds]).toEqual([world.unmanagedSnapshotId]);
    // A delivery that failed after its deletes leaves the report to the next one, which deletes (and reports) the rest.
    const output = run.final.steps[0]!.output as { deleted: string[] };
    for (const id of output.deleted) expect(oldSnapshotIds).toContain(id);
    if (run.failures.length === 0) expect(new Set(output.deleted)).toEqual(new Set(oldSnapshotIds));

    const day = new Date(nightlyAt.getTime() - 86_400_000).toISOString().slice(0, 10);
    const object = await s3.send(new GetObjectCommand({ Bucket: world.bucket, Key: `metrics/${day}.jsonl` }));
    const lines = (await object.Body!.transformToString()).trimEnd().split("\n").map((l) => JSON.parse(l) as { pk: string });
    expect(lines.map((l) => l.pk).sort()).toEqual(world.metrics.yesterday.map((m) => String(m.pk)).sort());
    expect(lines).toHaveLength(world.metrics.yesterday.length);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: world.bucket }));
    expect(uploads.Uploads ?? []).toHaveLength(0);

    const messages = await drainMessages(world.queueUrl);
    const notified = expectNotifications(messages, [run]);
    expect(messages[0]!.subject).toBe(`[Caretaker] Daily report ${day}`);
    figures.push(`nightly-maintenance: deliveries=${run.deliveries}; old snapshots deleted=${oldSnapshotIds.length - oldSnapshotIds.filter((id) => remainingIds.has(id)).length}/${oldSnapshotIds.length}, other snapshots kept=${remainingIds.size}/1, archived lines=${lines.length}/${world.metrics.yesterday.length}, open multipart uploads=${uploads.Uploads?.length ?? 0}, ${notified}`);
  });

  it("each stop of an opted-in instance gets exactly one snapshot per volume and one alert; the other instance none", async () => {
    const runs: Delivered[] = [];
    const events = Array.from({ length: STOP_EVENTS }, (_, i) => assertEvent(sampleEvents.instanceStopped(world.optedIn.instanceId, nightlyAt, `faults-stop-${i}`)));
    for (const event of events) runs.push(await deliver("auto-snapshot-on-stop", event));
    const skipped = await deliver("auto-snapshot-on-stop", assertEvent(sampleEvents.instanceStopped(world.notOptedIn.instanceId, nightlyAt, "faults-stop-other")));

    const snapshots = await snapshotsOfVolumes(world.optedIn.volumeIds);
    const perEventAndVolume = events.flatMap((event) => world.optedIn.volumeIds.map((v) => snapshots.filter((s) => s.VolumeId === v && tag(s, "caretaker:event-id") === event.id).length));
    expect(perEventAndVolume).toEqual(perEventAndVolume.map(() => 1));
    // The nightly run removed the older ones: these are the only snapshots of the volumes.
    expect(snapshots).toHaveLength(world.optedIn.volumeIds.length * STOP_EVENTS);
    const reported = runs.flatMap((run) => (run.final.steps[0]!.output as { snapshots: { snapshotId: string }[] }).snapshots.map((s) => s.snapshotId));
    expect(new Set(reported)).toEqual(new Set(snapshots.map((s) => s.SnapshotId)));
    expect(await snapshotsOfVolumes(world.notOptedIn.volumeIds)).toHaveLength(1);
    expect((skipped.final.steps[0]!.output as { skipped?: string }).skipped).toBe("not-opted-in");

    const messages = await drainMessages(world.queueUrl);
    // The instance that is not opted in is skipped and not notified about.
    const notified = expectNotifications(messages, runs);
    expect(skipped.failedAfter["sns:Publish"] ?? 0).toBe(0);
    expect(messages.every((m) => m.subject === `[Auto-Snapshot] ${world.optedIn.instanceId} (stopped)`)).toBe(true);
    figures.push(`auto-snapshot-on-stop: ${STOP_EVENTS} events + 1 not opted in, deliveries=${runs.reduce((n, r) => n + r.deliveries, skipped.deliveries)}; snapshots per (event, volume)=${[...new Set(perEventAndVolume)].join(",")}, ${notified}`);
  });

  it("each high-CPU alarm raises its group's desired capacity by 2 exactly once and notifies once", async () => {
    const runs: Delivered[] = [];
    for (let i = 0; i < ALARM_EVENTS; i++) runs.push(await deliver("high-cpu-scale-out", assertEvent(sampleEvents.alarm("high-cpu-burst", "burst-asg", nightlyAt, `faults-cpu-${i}`))));
    const desired = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["burst-asg"] }))).AutoScalingGroups![0]!.DesiredCapacity!;
    // Exactly +2 per alarm, except the known limit: a delivery that failed after SetDesiredCapacity
    // was applied is redelivered and scales by 2 again (an expected-fail case below pins it down).
    const redone = runs.reduce((n, r) => n + (r.failedAfter["autoscaling:SetDesiredCapacity"] ?? 0), 0);
    const raises = (desired - 2) / 2;
    expect(raises).toBeGreaterThanOrEqual(ALARM_EVENTS);
    expect(raises).toBeLessThanOrEqual(ALARM_EVENTS + redone);
    if (redone === 0) expect(runs.map((run) => run.final.steps[0]!.output)).toEqual(runs.map((_, i) => expect.objectContaining({ previous: 2 + 2 * i, desired: 4 + 2 * i, changed: true })));
    const messages = await drainMessages(world.queueUrl);
    const notified = expectNotifications(messages, runs);
    figures.push(`high-cpu-scale-out: ${ALARM_EVENTS} alarms, deliveries=${runs.reduce((n, r) => n + r.deliveries, 0)}; desired 2 -> ${desired} (${raises} raises by 2; ${raises - ALARM_EVENTS} from redelivery after an applied SetDesiredCapacity), ${notified}`);
  });

  it("each disk-space alarm only notifies, once", async () => {
    const runs: Delivered[] = [];
    for (let i = 0; i < ALARM_EVENTS; i++) runs.push(await deliver("disk-space-alert", assertEvent(sampleEvents.alarm("disk-space-web-1", undefined, nightlyAt, `faults-disk-${i}`))));
    const messages = await drainMessages(world.queueUrl);
    const notified = expectNotifications(messages, runs);
    expect(messages.every((m) => m.subject === "[Disk Space] disk-space-web-1 is in ALARM")).toBe(true);
    figures.push(`disk-space-alert: ${ALARM_EVENTS} alarms, deliveries=${runs.reduce((n, r) => n + r.deliveries, 0)}; ${notified}`);
  });

  it("faults were really injected, of every kind, some after the service applied the request", () => {
    const stats = proxy.stats;
    expect(stats.calls).toBeGreaterThan(100);
    const failing = stats.log.filter((f) => f.kind !== "delay").length;
    expect(failing / stats.calls).toBeGreaterThan(RATE * 0.5);
    for (const kind of ["throttle", "server-error", "reset", "delay"] as const) expect(stats.faults[kind]).toBeGreaterThan(0);
    expect(Object.values(stats.appliedThenLost).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

/**
 * The nastiest fault, made certain: the service applied the call and its answer was lost,
 * so the SDK (or Lambda) sends it again. One case per write the seed's policies make.
 */
describe("a write applied whose answer was lost", () => {
  async function lostAnswer(operation: string, nth = 1) {
    const lossy = await startFaultProxy({ target: endpoint, rate: 0, seed: SEED, scripted: [{ operation, nth, kind: "reset", phase: "after" }] });
    const clients = createClients({ config: { endpoint: lossy.url } });
    const state = new DynamoDbStateStore(createClients({ config: { endpoint: lossy.url } }).dynamodb, stateTable);
    return { lossy, clients, state };
  }

  async function runUntilDone(policy: string, event: EventBridgeEvent, setup: Awaited<ReturnType<typeof lostAnswer>>) {
    const outcomes: string[] = [];
    for (let delivery = 1; delivery <= MAX_DELIVERIES; delivery++) {
      try {
        const result = await runPolicy(policies.get(policy)!, event, { registry, state: setup.state, env: world.env, clients: setup.clients, leaseMs: LEASE_MS });
        outcomes.push(result.reason ?? "ok");
        break;
      } catch (error) {
        outcomes.push((error as Error).name);
      }
    }
    await setup.lossy.close();
    expect(setup.lossy.stats.appliedThenLost).not.toEqual({});
    return outcomes;
  }

  it("CreateSnapshot: still one snapshot per volume", async () => {
    const event = assertEvent(sampleEvents.instanceStopped(world.optedIn.instanceId, nightlyAt, "lost-create-1"));
    const outcomes = await runUntilDone("auto-snapshot-on-stop", event, await lostAnswer("ec2:CreateSnapshot"));
    const snapshots = (await snapshotsOfVolumes(world.optedIn.volumeIds)).filter((s) => tag(s, "caretaker:event-id") === event.id);
    expect(outcomes).toEqual(["ok"]);
    expect(world.optedIn.volumeIds.map((v) => snapshots.filter((s) => s.VolumeId === v).length)).toEqual([1, 1]);
    await drainMessages(world.queueUrl);
  });

  it("the state claim: the delivery that made it is not refused as 'in progress' by its own claim", async () => {
    const event = assertEvent(sampleEvents.alarm("disk-space-web-1", undefined, nightlyAt, "lost-claim-1"));
    const outcomes = await runUntilDone("disk-space-alert", event, await lostAnswer("dynamodb:UpdateItem", 1));
    expect(outcomes).toEqual(["ok"]);
    expect(await drainMessages(world.queueUrl)).toHaveLength(1);
  });

  it("the completion record: the run that finished reports success", async () => {
    const event = assertEvent(sampleEvents.alarm("disk-space-web-1", undefined, nightlyAt, "lost-complete-1"));
    // UpdateItem calls of a one-step run: claim, checkpoint lease check, complete.
    const outcomes = await runUntilDone("disk-space-alert", event, await lostAnswer("dynamodb:UpdateItem", 3));
    expect(outcomes).toEqual(["ok"]);
    expect(await drainMessages(world.queueUrl)).toHaveLength(1);
  });

  it("SetDesiredCapacity: the group is still raised by 2 once", async () => {
    const before = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["burst-asg"] }))).AutoScalingGroups![0]!.DesiredCapacity!;
    const event = assertEvent(sampleEvents.alarm("high-cpu-burst", "burst-asg", nightlyAt, "lost-scale-1"));
    const outcomes = await runUntilDone("high-cpu-scale-out", event, await lostAnswer("autoscaling:SetDesiredCapacity"));
    const after = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["burst-asg"] }))).AutoScalingGroups![0]!.DesiredCapacity!;
    expect(outcomes).toEqual(["ok"]);
    expect(after).toBe(Math.min(before + 2, 10));
    await drainMessages(world.queueUrl);
  });

  it("SNS Publish: a known at-least-once limit of standard topics, the alert arrives twice", async () => {
    const event = assertEvent(sampleEvents.alarm("disk-space-web-1", undefined, nightlyAt, "lost-publish-1"));
    const outcomes = await runUntilDone("disk-space-alert", event, await lostAnswer("sns:Publish"));
    expect(outcomes).toEqual(["ok"]);
    // The SDK's retry cannot know the first Publish was delivered; SNS standard topics keep no
    // de-duplication id. Documented in the README's guarantees; FIFO topics get a dedup id.
    expect(await drainMessages(world.queueUrl)).toHaveLength(2);
  });

  // SetDesiredCapacity applied, then the step's checkpoint could not be written: the next delivery
  // runs the step again, and scale-asg's remembered decision (ctx.remember) keeps it at +2 once.
  it("SetDesiredCapacity applied but its checkpoint lost: the redelivery does not raise the group again", async () => {
    // A group of its own, far from its MaxSize, so a second raise cannot hide behind the clamp.
    await autoScaling.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: "hole-asg", LaunchTemplate: { LaunchTemplateName: "web", Version: "$Latest" },
      MinSize: 1, MaxSize: 20, DesiredCapacity: 2, AvailabilityZones: ["us-east-1a"],
    }));
    // UpdateItem calls: 1 the claim, 2-4 the checkpoint's lease check and its two SDK retries.
    const lossy = await startFaultProxy({ target: endpoint, rate: 0, seed: SEED, scripted: [2, 3, 4].map((nth) => ({ operation: "dynamodb:UpdateItem", nth, kind: "throttle" as const, phase: "before" as const })) });
    const state = new DynamoDbStateStore(createClients({ config: { endpoint: lossy.url }, maxAttempts: 3 }).dynamodb, stateTable);
    const event = assertEvent(sampleEvents.alarm("high-cpu-hole", "hole-asg", nightlyAt, "lost-scale-checkpoint-1"));
    const outcomes: string[] = [];
    for (let delivery = 1; delivery <= MAX_DELIVERIES && !outcomes.includes("ok"); delivery++) {
      await runPolicy(policies.get("high-cpu-scale-out")!, event, { registry, state, env: world.env, clients: createClients(), leaseMs: LEASE_MS })
        .then(() => outcomes.push("ok"), (error: unknown) => outcomes.push((error as Error).name));
    }
    await lossy.close();
    await drainMessages(world.queueUrl);
    const after = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["hole-asg"] }))).AutoScalingGroups![0]!.DesiredCapacity!;
    // The first delivery fails on its checkpoint; the second completes.
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]).toBe("ok");
    expect(after).toBe(4);
  });
});
