import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClients } from "../../engine/clients.ts";
import { DeployError } from "../../engine/errors.ts";
import { syncRules } from "../../deploy/sync-rules.ts";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";
import { eventPolicy, PolicyFolder, schedulePolicy } from "./fixtures.ts";

// moto never fails: faults come from the fault proxy in front of it (throttling, 5xx, resets).
const TARGET = "arn:aws:lambda:us-east-1:123456789012:function:caretaker";
const folder = new PolicyFolder();
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy({
    target: process.env.AWS_ENDPOINT_URL!,
    rate: 0,
    seed: 11,
    scripted: [{ operation: "events:PutTargets", nth: 2, kind: "server-error", phase: "before" }],
  });
});
afterAll(async () => {
  await proxy.close();
  folder.remove();
});

const policies = () =>
  folder.write([schedulePolicy("a-job", "rate(1 day)"), schedulePolicy("b-job", "rate(2 days)"), eventPolicy("c-event", { source: ["aws.ec2"] })]).load();

describe("sync-rules when EventBridge fails", () => {
  it("stops at the failed change, says how far it got, and the next run finishes the job", async () => {
    const once = createClients({ maxAttempts: 1, config: { endpoint: proxy.url } });
    const attempt = syncRules(policies(), once.eventBridge, { targetArn: TARGET });
    await expect(attempt).rejects.toBeInstanceOf(DeployError);
    await expect(attempt).rejects.toThrow(/^create caretaker-b-job failed: .*; 1 of 3 changes were applied/);

    const clients = createClients({ config: { endpoint: proxy.url } });
    const resumed = await syncRules(folder.load(), clients.eventBridge, { targetArn: TARGET });
    // b-job's rule exists without its target: the plan repairs it instead of creating it again.
    expect(resumed.plan.entries.map((e) => [e.kind, e.kind === "update" ? e.changes : []])).toEqual([
      ["unchanged", []],
      ["update", ["target"]],
      ["create", []],
    ]);
    const final = await syncRules(folder.load(), clients.eventBridge, { targetArn: TARGET });
    expect(final.changes).toBe(false);
  });

  it("reaches the same rules through throttling and resets, retried by the SDK", async () => {
    proxy.setRate(0.3);
    const clients = createClients({ config: { endpoint: proxy.url } });
    const changed = folder.write([schedulePolicy("a-job", "rate(3 days)"), eventPolicy("d-event", { source: ["aws.s3"] })]).load();
    await syncRules(changed, clients.eventBridge, { targetArn: TARGET });
    proxy.setRate(0);
    const check = await syncRules(folder.load(), clients.eventBridge, { targetArn: TARGET, dryRun: true });
    expect(check.plan.entries.map((e) => [e.kind, e.kind === "delete" ? e.actual.name : e.rule.name])).toEqual([
      ["unchanged", "caretaker-a-job"],
      ["unchanged", "caretaker-d-event"],
    ]);
    expect(proxy.stats.faults.throttle + proxy.stats.faults["server-error"] + proxy.stats.faults.reset).toBeGreaterThan(0);
  });
});
