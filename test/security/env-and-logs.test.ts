import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { registry } from "../../actions/index.ts";
import { createClients } from "../../engine/clients.ts";
import { assertEvent } from "../../engine/events.ts";
import { createHandler } from "../../engine/handler.ts";
import { loadPolicyText } from "../../engine/policy/load.ts";
import type { LoadedPolicy } from "../../engine/policy/types.ts";
import { evaluateTrigger, runPolicy } from "../../engine/runner.ts";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";
import { drainMessages, sampleEvents, seedWorld, type World } from "../../emulator/world.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY-SECRET-MARKER";
const TOKEN = "FwoGZXIvYXdzEJr-SESSION-TOKEN-MARKER";
const EVENT_SECRET = "sk_live_EVENT-FIELD-MARKER";

function load(yaml: string): LoadedPolicy {
  const { policy, problems } = loadPolicyText("security.yml", yaml, registry);
  if (!policy) throw new Error(JSON.stringify(problems));
  return policy;
}

const envReader = load(`apiVersion: caretaker/v1
name: env-reader
trigger: { event: { source: [app.test] } }
env: [ALERT_TOPIC_ARN, TEAM]
vars:
  everything: $env
  secret: $lookup($env, "AWS_SECRET_ACCESS_KEY")
  keys: $keys($env)
actions:
  - type: notify
    with: { topic: "{% $env.ALERT_TOPIC_ARN %}", subject: "env", message: "{% $env %}" }
`);

const savedEnv = { ...process.env };
afterAll(() => {
  process.env = savedEnv;
});

describe("$env", () => {
  const env = { ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts", TEAM: "ops", UNDECLARED: "nope", AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN, AWS_REGION: "us-east-1" };
  const event = assertEvent({ id: "env-1", source: "app.test", "detail-type": "x", time: "2026-12-03T10:00:00Z", detail: {} });

  it("holds only the declared names: a var that reads all of $env sees no AWS_ variable and nothing undeclared", async () => {
    const trigger = await evaluateTrigger(envReader, event, env);
    expect(trigger.vars.everything).toEqual({ ALERT_TOPIC_ARN: env.ALERT_TOPIC_ARN, TEAM: "ops" });
    expect(trigger.vars.secret).toBeUndefined();
    expect([...(trigger.vars.keys as string[])]).toEqual(["ALERT_TOPIC_ARN", "TEAM"]);
  });

  it("holds no AWS_ name even when a policy document declares one (validation refuses it; the runner filters it anyway)", async () => {
    const declared = loadPolicyText("security.yml", `apiVersion: caretaker/v1
name: greedy
trigger: { event: { source: [app.test] } }
env: [AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN]
vars: { key: $env.AWS_SECRET_ACCESS_KEY }
actions: [{ type: notify, with: { topic: "arn:aws:sns:us-east-1:123456789012:alerts", message: "{% $env %}" } }]
`, registry);
    expect(declared.policy).toBeUndefined();
    expect(declared.problems.length).toBeGreaterThan(0);
    // A document that skipped validation (e.g. edited after build) still cannot read credentials.
    const forced: LoadedPolicy = { ...envReader, doc: { ...envReader.doc, env: ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "TEAM"] } };
    const trigger = await evaluateTrigger(forced, event, env);
    expect(trigger.vars.everything).toEqual({ TEAM: "ops" });
  });

  it("a dry run that renders all of $env into a message plans no credential (process environment as in Lambda)", async () => {
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.ALERT_TOPIC_ARN = env.ALERT_TOPIC_ARN;
    process.env.TEAM = "ops";
    const result = await runPolicy(envReader, event, { registry, dryRun: true, clients: createClients({ dryRun: true }) });
    const message = String((result.calls[0]!.input as { Message: string }).Message);
    expect(JSON.parse(message)).toEqual({ ALERT_TOPIC_ARN: env.ALERT_TOPIC_ARN, TEAM: "ops" });
    expect(JSON.stringify(result)).not.toContain(SECRET);
    process.env.AWS_SECRET_ACCESS_KEY = savedEnv.AWS_SECRET_ACCESS_KEY;
  });
});

describe("logs", () => {
  let world: World;
  const lines: string[] = [];

  beforeAll(async () => {
    world = await seedWorld({ nightlyAt: new Date() });
    await new DynamoDBClient({}).send(new CreateTableCommand({
      TableName: "caretaker-state-logs", BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    }));
  });

  async function captured(run: () => Promise<unknown>): Promise<string> {
    // Everything the process writes, not only the logger: a credential must not leave by any route.
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const methods = ["log", "info", "warn", "error", "debug"] as const;
    const spies = methods.map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))));
    try {
      await run().catch((error: unknown) => lines.push(`thrown: ${(error as Error).message}`));
    } finally {
      out.mockRestore();
      err.mockRestore();
      spies.forEach((s) => s.mockRestore());
    }
    return lines.join("\n");
  }

  it("hold no credential and no event field the policy does not read, but do hold the event id", async () => {
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.AWS_SESSION_TOKEN = TOKEN;
    Object.assign(process.env, world.env);
    const policies = [load((await import("node:fs")).readFileSync("policies/auto-snapshot-on-stop.yml", "utf8")), load(`apiVersion: caretaker/v1
name: failing-notify
trigger: { event: { source: [aws.ec2] } }
actions: [{ type: notify, with: { topic: "arn:aws:sns:us-east-1:123456789012:missing-topic", subject: "{% detail.state %}", message: "{% detail.\\"instance-id\\" %}" } }]
`)];
    // The logger is built inside the capture, as the Lambda builds it at start-up, and prints as in production.
    const text = await captured(async () => {
      const handler = createHandler({ registry, policies, state: new DynamoDbStateStore(new DynamoDBClient({}), "caretaker-state-logs"), logger: new Logger({ serviceName: "caretaker" }) });
      const event = sampleEvents.instanceStopped(world.optedIn.instanceId, new Date(), "logs-event-1");
      const hostile = { ...event, detail: { ...event.detail, apiKey: EVENT_SECRET, nested: { password: EVENT_SECRET } } };
      await handler(hostile);
      await handler({ policy: "auto-snapshot-on-stop", version: "old", event: hostile });
      await handler({ ...hostile, time: `not a time ${EVENT_SECRET}`.slice(0, 12) });
    });
    expect(text).toContain("logs-event-1");
    expect(text).toContain('"policy":"auto-snapshot-on-stop"');
    expect(text).toContain("failing-notify");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(EVENT_SECRET);
    expect(text).not.toContain("apiKey");
    expect(text).not.toContain("password");
    // One JSON line per step and one per run, each with policy, version and event id.
    const records = text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const runRecords = records.filter((r) => r.message === "run" || r.message === "step");
    expect(runRecords.length).toBeGreaterThanOrEqual(4);
    for (const r of runRecords) expect(r).toMatchObject({ eventId: "logs-event-1", policy: expect.any(String), version: expect.stringMatching(/^[0-9a-f]{12}$/) });
    await drainMessages(world.queueUrl);
  });
});
