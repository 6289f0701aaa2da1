import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  CreateEventBusCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  DeleteRuleCommand,
  RemoveTargetsCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
} from "@aws-sdk/client-eventbridge";
import { createClients, type Clients } from "../../engine/clients.ts";
import { DeployError, UsageError } from "../../engine/errors.ts";
import { EXIT, type CliIO } from "../../engine/cli/command.ts";
import { createSyncRulesCommand } from "../../engine/cli/commands/sync-rules.ts";
import { syncRules } from "../../deploy/sync-rules.ts";
import { engineInputTemplate, TARGET_RETRY_POLICY } from "../../deploy/assemble-rules.ts";
import { eventPolicy, PolicyFolder, schedulePolicy, testRegistry } from "./fixtures.ts";

const TARGET = "arn:aws:lambda:us-east-1:123456789012:function:caretaker";
const DLQ = "arn:aws:sqs:us-east-1:123456789012:caretaker-dlq";
const stopped = { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["stopped"] } };
const stopping = { ...stopped, detail: { state: ["stopping"] } };

const folder = new PolicyFolder();
afterAll(() => folder.remove());

let clients: Clients;
let eb: EventBridgeClient;

async function wipeRules(): Promise<void> {
  for (const bus of ["default", "ops-bus"]) {
    let rules;
    try {
      rules = (await eb.send(new ListRulesCommand({ EventBusName: bus }))).Rules ?? [];
    } catch {
      continue;
    }
    for (const rule of rules) {
      const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: bus }))).Targets ?? [];
      if (targets.length) await eb.send(new RemoveTargetsCommand({ Rule: rule.Name, EventBusName: bus, Ids: targets.map((t) => t.Id!) }));
      await eb.send(new DeleteRuleCommand({ Name: rule.Name, EventBusName: bus }));
    }
  }
}

beforeEach(async () => {
  clients = createClients();
  eb = clients.eventBridge;
  await wipeRules();
  clients.recorder.calls.length = 0;
});

async function tagsOf(name: string, bus = "default"): Promise<Record<string, string>> {
  const rule = await eb.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
  const tags = (await eb.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn }))).Tags ?? [];
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

function writes(): string[] {
  return clients.recorder.calls.map((c) => c.operation);
}

describe("sync-rules against EventBridge (moto)", () => {
  it("creates one tagged rule per policy with the engine as its only target", async () => {
    const policies = folder.write([eventPolicy("snap-on-stop", stopped), schedulePolicy("nightly", "cron(0 2 * * ? *)", { enabled: false })]).load();
    const result = await syncRules(policies, eb, { targetArn: TARGET, dlqArn: DLQ });
    expect(result.plan.entries.map((e) => [e.kind, e.kind === "delete" ? e.actual.name : e.rule.name])).toEqual([
      ["create", "caretaker-nightly"],
      ["create", "caretaker-snap-on-stop"],
    ]);
    const snap = policies.find((p) => p.doc.name === "snap-on-stop")!;
    const rule = await eb.send(new DescribeRuleCommand({ Name: "caretaker-snap-on-stop" }));
    expect(JSON.parse(rule.EventPattern!)).toEqual(stopped);
    expect(rule.State).toBe("ENABLED");
    expect(rule.Description).toBe("Test policy snap-on-stop.");
    expect(await tagsOf("caretaker-snap-on-stop")).toEqual({ "caretaker:managed": "true", "caretaker:policy": "snap-on-stop", "caretaker:version": snap.version });

    const nightly = await eb.send(new DescribeRuleCommand({ Name: "caretaker-nightly" }));
    expect(nightly.ScheduleExpression).toBe("cron(0 2 * * ? *)");
    expect(nightly.State).toBe("DISABLED");

    const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: "caretaker-snap-on-stop" }))).Targets!;
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Id: "caretaker-engine",
      Arn: TARGET,
      InputTransformer: { InputTemplate: engineInputTemplate("snap-on-stop", snap.version) },
      RetryPolicy: TARGET_RETRY_POLICY,
      DeadLetterConfig: { Arn: DLQ },
    });
    expect(writes()).toEqual(["PutRule", "PutTargets", "PutRule", "PutTargets"]);
  });

  it("makes no write call when run again with nothing changed", async () => {
    const policies = folder.write([eventPolicy("snap-on-stop", stopped), schedulePolicy("nightly", "rate(1 day)")]).load();
    await syncRules(policies, eb, { targetArn: TARGET, dlqArn: DLQ });
    clients.recorder.calls.length = 0;
    const again = await syncRules(folder.load(), eb, { targetArn: TARGET, dlqArn: DLQ });
    expect(again.changes).toBe(false);
    expect(again.plan.entries.map((e) => e.kind)).toEqual(["unchanged", "unchanged"]);
    expect(writes()).toEqual([]);
  });

  it("updates a rule whose pattern changed and names what changed", async () => {
    await syncRules(folder.write([eventPolicy("snap-on-stop", stopped), schedulePolicy("nightly", "rate(1 day)")]).load(), eb, { targetArn: TARGET });
    clients.recorder.calls.length = 0;
    const policies = folder.write([eventPolicy("snap-on-stop", stopping), schedulePolicy("nightly", "rate(1 day)")]).load();
    const result = await syncRules(policies, eb, { targetArn: TARGET });
    const update = result.plan.entries.find((e) => e.kind === "update");
    expect(update).toMatchObject({ kind: "update", changes: ["pattern", "version"] });
    expect(result.applied).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 1 });
    const version = policies.find((p) => p.doc.name === "snap-on-stop")!.version;
    const rule = await eb.send(new DescribeRuleCommand({ Name: "caretaker-snap-on-stop" }));
    expect(JSON.parse(rule.EventPattern!)).toEqual(stopping);
    expect((await tagsOf("caretaker-snap-on-stop"))["caretaker:version"]).toBe(version);
    const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: "caretaker-snap-on-stop" }))).Targets!;
    expect(targets.map((t) => t.InputTransformer?.InputTemplate)).toEqual([engineInputTemplate("snap-on-stop", version)]);
    expect(writes()).toEqual(["PutRule", "TagResource", "PutTargets"]);
  });

  it("reports a description, state or target change without a version change", async () => {
    await syncRules(folder.write([eventPolicy("snap-on-stop", stopped)]).load(), eb, { targetArn: TARGET });
    const changed = folder.write([eventPolicy("snap-on-stop", stopped, { description: "Other words." })]).load();
    const result = await syncRules(changed, eb, { targetArn: `${TARGET}-v2`, dryRun: true });
    expect(result.plan.entries[0]).toMatchObject({ kind: "update", changes: ["target", "description"] });
    const disabled = folder.write([eventPolicy("snap-on-stop", stopped, { enabled: false })]).load();
    const second = await syncRules(disabled, eb, { targetArn: TARGET, dryRun: true });
    expect(second.plan.entries[0]).toMatchObject({ kind: "update", changes: ["state", "version"] });
  });

  it("deletes the rule of a removed policy, targets first", async () => {
    await syncRules(folder.write([eventPolicy("snap-on-stop", stopped), schedulePolicy("nightly", "rate(1 day)")]).load(), eb, { targetArn: TARGET });
    clients.recorder.calls.length = 0;
    const result = await syncRules(folder.write([schedulePolicy("nightly", "rate(1 day)")]).load(), eb, { targetArn: TARGET });
    expect(result.plan.entries.map((e) => e.kind)).toEqual(["unchanged", "delete"]);
    expect(writes()).toEqual(["RemoveTargets", "DeleteRule"]);
    const names = ((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name);
    expect(names).toEqual(["caretaker-nightly"]);
  });

  it("leaves rules alone that lack the managed tag or the prefix", async () => {
    await eb.send(new PutRuleCommand({ Name: "caretaker-handmade", ScheduleExpression: "rate(1 hour)" }));
    await eb.send(new PutRuleCommand({ Name: "other-tagged", ScheduleExpression: "rate(1 hour)", Tags: [{ Key: "caretaker:managed", Value: "true" }] }));
    await eb.send(new PutTargetsCommand({ Rule: "caretaker-handmade", Targets: [{ Id: "mine", Arn: TARGET }] }));
    clients.recorder.calls.length = 0;
    const result = await syncRules(folder.write([]).load(), eb, { targetArn: TARGET });
    expect(result.plan.entries).toEqual([]);
    expect(writes()).toEqual([]);
    const names = ((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name).sort();
    expect(names).toEqual(["caretaker-handmade", "other-tagged"]);
    // With another prefix the tagged rule is in scope by name, yet still not ours to delete.
    const other = await syncRules(folder.load(), eb, { targetArn: TARGET, prefix: "other-" });
    expect(other.plan.entries.map((e) => e.kind)).toEqual(["delete"]);
    const stillThere = await syncRules(folder.load(), eb, { targetArn: TARGET, prefix: "caretaker-" });
    expect(stillThere.plan.entries).toEqual([]);
  });

  it("refuses, before any write, a policy whose rule name is taken by an unmanaged rule", async () => {
    await eb.send(new PutRuleCommand({ Name: "caretaker-nightly", ScheduleExpression: "rate(1 hour)", Description: "by hand" }));
    clients.recorder.calls.length = 0;
    const policies = folder.write([eventPolicy("snap-on-stop", stopped), schedulePolicy("nightly", "rate(1 day)")]).load();
    const attempt = syncRules(policies, eb, { targetArn: TARGET });
    await expect(attempt).rejects.toBeInstanceOf(DeployError);
    await expect(attempt).rejects.toThrow(/caretaker-nightly.*not managed/);
    expect(writes()).toEqual([]);
    const rule = await eb.send(new DescribeRuleCommand({ Name: "caretaker-nightly" }));
    expect(rule.ScheduleExpression).toBe("rate(1 hour)");
  });

  it("puts rules of event triggers that name a bus on that bus, and moves them when the bus changes", async () => {
    await eb.send(new CreateEventBusCommand({ Name: "ops-bus" }));
    const policies = folder.write([eventPolicy("custom", stopped, { trigger: { event: stopped, bus: "ops-bus" } })]).load();
    const result = await syncRules(policies, eb, { targetArn: TARGET });
    expect(result.plan.entries[0]).toMatchObject({ kind: "create", rule: { bus: "ops-bus" } });
    const onBus = (await eb.send(new ListRulesCommand({ EventBusName: "ops-bus" }))).Rules ?? [];
    expect(onBus.map((r) => r.Name)).toEqual(["caretaker-custom"]);
    expect(await tagsOf("caretaker-custom", "ops-bus")).toMatchObject({ "caretaker:managed": "true" });

    const again = await syncRules(folder.load(), eb, { targetArn: TARGET });
    expect(again.changes).toBe(false);

    const moved = await syncRules(folder.write([eventPolicy("custom", stopped)]).load(), eb, { targetArn: TARGET });
    expect(moved.plan.entries[0]).toMatchObject({ kind: "update", changes: expect.arrayContaining(["bus"]) });
    expect(((await eb.send(new ListRulesCommand({ EventBusName: "ops-bus" }))).Rules ?? []).length).toBe(0);
    expect(((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name)).toEqual(["caretaker-custom"]);
  });

  it("refuses a bus that does not exist before any write", async () => {
    const policies = folder.write([eventPolicy("custom", stopped, { trigger: { event: stopped, bus: "missing-bus" } })]).load();
    await expect(syncRules(policies, eb, { targetArn: TARGET })).rejects.toThrow(/missing-bus.*does not exist/);
    expect(writes()).toEqual([]);
  });

  it("reads every page of rules and targets", async () => {
    const many = Array.from({ length: 7 }, (_, i) => schedulePolicy(`job-${i}`, "rate(1 day)"));
    await syncRules(folder.write(many).load(), eb, { targetArn: TARGET });
    clients.recorder.calls.length = 0;
    const again = await syncRules(folder.load(), eb, { targetArn: TARGET, pageSize: 2 });
    expect(again.plan.entries.map((e) => e.kind)).toEqual(Array(7).fill("unchanged"));
    const fewer = await syncRules(folder.write(many.slice(0, 3)).load(), eb, { targetArn: TARGET, pageSize: 2, dryRun: true });
    expect(fewer.plan.entries.filter((e) => e.kind === "delete")).toHaveLength(4);
    expect(writes()).toEqual([]);
  });
});

describe("the sync-rules command", () => {
  function io(env: Record<string, string> = {}): CliIO & { lines: string[] } {
    const lines: string[] = [];
    return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: process.cwd(), env, isTTY: false };
  }
  const command = createSyncRulesCommand(() => clients);

  it("--check exits 3 when anything would change and 0 when nothing would, writing nothing", async () => {
    folder.write([eventPolicy("snap-on-stop", stopped)]);
    const run = (values: Record<string, string | boolean>, out = io()) => command.run({ positionals: [], values: { policies: folder.dir, ...values }, io: out, registry: testRegistry });
    expect(await run({ check: true, target: TARGET })).toBe(EXIT.drift);
    expect(await run({ "dry-run": true })).toBe(EXIT.ok);
    expect(writes()).toEqual([]);

    await expect(run({})).rejects.toBeInstanceOf(UsageError);
    expect(writes()).toEqual([]);

    const applied = io({ CARETAKER_TARGET_ARN: TARGET });
    expect(await run({}, applied)).toBe(EXIT.ok);
    expect(applied.lines[0]).toBe("+ create caretaker-snap-on-stop");

    const checked = io();
    expect(await run({ check: true }, checked)).toBe(EXIT.ok);
    expect(checked.lines[0]).toBe("= unchanged caretaker-snap-on-stop");
    folder.write([eventPolicy("snap-on-stop", stopping)]);
    const drift = io();
    expect(await run({ check: true }, drift)).toBe(EXIT.drift);
    expect(drift.lines[0]).toBe("~ update caretaker-snap-on-stop (pattern, version)");
  });
});
