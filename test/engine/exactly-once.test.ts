import { beforeAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { registry } from "../../actions/index.ts";
import { createClients } from "../../engine/clients.ts";
import { InProgressError, StepError } from "../../engine/errors.ts";
import { assertEvent } from "../../engine/events.ts";
import { loadPolicyText } from "../../engine/policy/load.ts";
import type { LoadedPolicy } from "../../engine/policy/types.ts";
import { runPolicy } from "../../engine/runner.ts";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";
import { loadPoliciesOrThrow } from "../../engine/policy/load.ts";
import { sampleEvents, seedWorld, type World } from "../../emulator/world.ts";

const ec2 = new EC2Client({});
let world: World;
let snapshotPolicy: LoadedPolicy;
let stateTable = "caretaker-state";

async function snapshotsOf(volumeIds: string[]) {
  const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "volume-id", Values: volumeIds }] }));
  return out.Snapshots ?? [];
}

function state() {
  return new DynamoDbStateStore(new DynamoDBClient({}), stateTable);
}

beforeAll(async () => {
  world = await seedWorld({ nightlyAt: new Date() });
  snapshotPolicy = loadPoliciesOrThrow(["policies/auto-snapshot-on-stop.yml"], registry)[0]!;
  await new DynamoDBClient({}).send(new CreateTableCommand({
    TableName: stateTable, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
});

describe("dry run versus live run", () => {
  it("plans exactly the CreateSnapshot calls the live run then makes, and changes nothing itself", async () => {
    const before = await snapshotsOf(world.optedIn.volumeIds);
    const event = assertEvent(sampleEvents.instanceStopped(world.optedIn.instanceId, new Date(), "dry-vs-live-1"));
    const plan = await runPolicy(snapshotPolicy, event, { registry, dryRun: true, env: world.env });
    expect(plan.dryRun).toBe(true);
    expect(await snapshotsOf(world.optedIn.volumeIds)).toHaveLength(before.length);
    const planned = plan.calls.filter((c) => c.operation === "CreateSnapshot");
    expect(planned).toHaveLength(2);
    expect(plan.calls.map((c) => `${c.service} ${c.operation}`)).toEqual(["EC2 CreateSnapshot", "EC2 CreateSnapshot", "SNS Publish"]);

    const live = await runPolicy(snapshotPolicy, event, { registry, state: state(), env: world.env, clients: createClients() });
    expect(live.dryRun).toBe(false);
    const made = live.calls.filter((c) => c.operation === "CreateSnapshot");
    // Creates run concurrently, so compare them in volume order.
    const byVolume = (calls: typeof made) => [...calls].sort((a, b) => String(a.input.VolumeId).localeCompare(String(b.input.VolumeId)));
    expect(byVolume(made)).toEqual(byVolume(planned));
    expect(await snapshotsOf(world.optedIn.volumeIds)).toHaveLength(before.length + 2);
  });
});

describe("exactly-once effects", () => {
  it("two concurrent deliveries of one event produce one set of snapshots", async () => {
    const before = await snapshotsOf(world.optedIn.volumeIds);
    const event = assertEvent(sampleEvents.instanceStopped(world.optedIn.instanceId, new Date(), "concurrent-1"));
    const deliveries = await Promise.allSettled([0, 1].map(() => runPolicy(snapshotPolicy, event, { registry, state: state(), env: world.env, clients: createClients() })));
    const done = deliveries.filter((d) => d.status === "fulfilled");
    expect(done.length).toBeGreaterThanOrEqual(1);
    for (const d of deliveries) if (d.status === "rejected") expect(d.reason).toBeInstanceOf(InProgressError);
    expect(await snapshotsOf(world.optedIn.volumeIds)).toHaveLength(before.length + 2);

    // A later redelivery (Lambda's retry of the one that lost) is a recognised duplicate.
    const again = await runPolicy(snapshotPolicy, event, { registry, state: state(), env: world.env, clients: createClients() });
    expect(again.reason).toBe("duplicate");
    expect(again.calls).toHaveLength(0);
    expect(await snapshotsOf(world.optedIn.volumeIds)).toHaveLength(before.length + 2);
  });

  it("a run that fails at its second step and is retried performs the first step once", async () => {
    const topicName = "created-after-first-failure";
    const topicArn = `arn:aws:sns:us-east-1:123456789012:${topicName}`;
    const { policy } = loadPolicyText("retry.yml", `apiVersion: caretaker/v1
name: retry-after-failure
trigger: { event: { source: [aws.ec2] } }
env: [TOPIC]
actions:
  - type: snapshot-volumes
    id: snap
    with: { instance: "{% detail.\\"instance-id\\" %}" }
  - type: notify
    with: { topic: "{% $env.TOPIC %}", subject: "snapshots", message: "{% $steps.snap %}" }
`, registry);
    expect(policy).toBeDefined();
    const before = await snapshotsOf(world.notOptedIn.volumeIds);
    const event = assertEvent(sampleEvents.instanceStopped(world.notOptedIn.instanceId, new Date(), "retry-1"));
    const first = createClients();
    const failure = await runPolicy(policy!, event, { registry, state: state(), env: { TOPIC: topicArn }, clients: first }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepError);
    expect((failure as StepError).step).toBe(1);
    expect(first.recorder.calls.filter((c) => c.operation === "CreateSnapshot")).toHaveLength(2);
    expect(await snapshotsOf(world.notOptedIn.volumeIds)).toHaveLength(before.length + 2);

    await new SNSClient({}).send(new CreateTopicCommand({ Name: topicName }));
    const retry = createClients();
    const result = await runPolicy(policy!, event, { registry, state: state(), env: { TOPIC: topicArn }, clients: retry });
    expect(result.steps.map((s) => [s.status, s.resumed ?? false])).toEqual([["ok", true], ["ok", false]]);
    expect(retry.recorder.calls.map((c) => c.operation)).toEqual(["Publish"]);
    expect(await snapshotsOf(world.notOptedIn.volumeIds)).toHaveLength(before.length + 2);
  });

  it("a claim left by a crashed invocation expires and is taken over", async () => {
    const store = state();
    const key = `auto-snapshot-on-stop#crashed-1`;
    const claim = await store.claim(key, "crashed-owner", 1);
    expect(claim.status).toBe("claimed");
    await new Promise((r) => setTimeout(r, 20));
    const event = assertEvent(sampleEvents.instanceStopped(world.optedIn.instanceId, new Date(), "crashed-1"));
    const result = await runPolicy(snapshotPolicy, event, { registry, state: store, env: world.env, clients: createClients() });
    expect(result.steps[0]!.status).toBe("ok");
    expect(result.reason).toBeUndefined();
  });
});
