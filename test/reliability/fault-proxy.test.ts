import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ListTopicsCommand } from "@aws-sdk/client-sns";
import { createClients, type Clients } from "../../engine/clients.ts";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";

// The fault proxy is only as good as its imitation: the SDK must read each injected fault as the
// real service's error, with the name and retry class it has in production.
const endpoint = process.env.AWS_ENDPOINT_URL!;
let throttling: FaultProxy;
let failing: FaultProxy;
let resetting: FaultProxy;

function clientsOf(proxy: FaultProxy): Clients {
  return createClients({ config: { endpoint: proxy.url }, maxAttempts: 1 });
}

const calls: Array<[string, (c: Clients) => Promise<unknown>]> = [
  ["ec2", (c) => c.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }))],
  ["dynamodb", (c) => c.dynamodb.send(new ListTablesCommand({}))],
  ["sns", (c) => c.sns.send(new ListTopicsCommand({}))],
  ["autoscaling", (c) => c.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))],
  ["s3", (c) => c.s3.send(new PutObjectCommand({ Bucket: "proxy-check", Key: "k", Body: "x" }))],
];

async function failure(call: () => Promise<unknown>): Promise<{ name: string; status?: number; code?: string }> {
  const error = (await call().then(() => undefined, (e: unknown) => e)) as { name: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  expect(error, "the call should have failed").toBeDefined();
  return { name: error!.name, status: error!.$metadata?.httpStatusCode, code: error!.code };
}

beforeAll(async () => {
  await createClients().s3.send(new CreateBucketCommand({ Bucket: "proxy-check" }));
  throttling = await startFaultProxy({ target: endpoint, rate: 1, seed: 1, weights: { throttle: 1, "server-error": 0, reset: 0, delay: 0 }, afterShare: 0 });
  failing = await startFaultProxy({ target: endpoint, rate: 1, seed: 1, weights: { throttle: 0, "server-error": 1, reset: 0, delay: 0 }, afterShare: 0 });
  resetting = await startFaultProxy({ target: endpoint, rate: 1, seed: 1, weights: { throttle: 0, "server-error": 0, reset: 1, delay: 0 }, afterShare: 1 });
});

afterAll(async () => {
  await Promise.all([throttling, failing, resetting].map((p) => p?.close()));
});

describe("fault proxy", () => {
  it("throttles in each service's own form", async () => {
    const seen: Record<string, string> = {};
    for (const [service, call] of calls) {
      const error = await failure(() => call(clientsOf(throttling)));
      seen[service] = `${error.name} ${error.status}`;
    }
    expect(seen).toEqual({
      ec2: "RequestLimitExceeded 503",
      dynamodb: expect.stringMatching(/^(ThrottlingException|ProvisionedThroughputExceededException) 400$/),
      sns: "Throttling 400",
      autoscaling: "Throttling 400",
      s3: "SlowDown 503",
    });
    expect(throttling.stats.faults.throttle).toBe(calls.length);
    expect(Object.keys(throttling.stats.callsByOperation).sort()).toEqual(["autoscaling:DescribeAutoScalingGroups", "dynamodb:ListTables", "ec2:DescribeSnapshots", "s3:PutObject", "sns:ListTopics"]);
  });

  it("answers 500 with each protocol's internal error", async () => {
    for (const [, call] of calls) {
      const error = await failure(() => call(clientsOf(failing)));
      expect(error.status).toBe(500);
      expect(error.name).toMatch(/^(InternalError|InternalServerError|InternalFailure)$/);
    }
  });

  it("resets the connection after the service applied the request, and counts it as applied-then-lost", async () => {
    const error = await failure(() => calls[4]![1](clientsOf(resetting)));
    expect(error.code ?? error.name).toMatch(/ECONNRESET|socket hang up|TimeoutError|EPIPE/);
    expect(resetting.stats.appliedThenLost).toEqual({ "s3:PutObject": 1 });
  });

  it("lets the SDK's standard retry recover from throttling, 500s and resets", async () => {
    const flaky = await startFaultProxy({ target: endpoint, rate: 0.3, seed: 42, delayMs: [5, 20] });
    const clients = createClients({ config: { endpoint: flaky.url } });
    for (let i = 0; i < 4; i++) for (const [, call] of calls) await call(clients);
    await flaky.close();
    const failingFaults = flaky.stats.log.filter((f) => f.kind !== "delay").length;
    expect(failingFaults).toBeGreaterThan(2);
    expect(flaky.stats.calls).toBe(20 + failingFaults);
  });
});
