import { beforeAll, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { registry } from "../../actions/index.ts";
import { createHandler } from "../../engine/handler.ts";
import { CaretakerError } from "../../engine/errors.ts";
import { loadPolicyText } from "../../engine/policy/load.ts";
import { MemoryStateStore } from "../../engine/state/memory-store.ts";

const records: Record<string, unknown>[] = [];
function capturingLogger(): Logger {
  const logger = new Logger({ serviceName: "caretaker-test" });
  // Powertools writes through console; capture its JSON lines instead of printing them.
  (logger as unknown as { console: Console }).console = { info: (l: string) => records.push(JSON.parse(l)), warn: (l: string) => records.push(JSON.parse(l)), error: (l: string) => records.push(JSON.parse(l)), debug() {}, log() {} } as unknown as Console;
  return logger;
}

function policy(yaml: string) {
  const { policy, problems } = loadPolicyText("inline.yml", yaml, registry);
  if (!policy) throw new Error(JSON.stringify(problems));
  return policy;
}

let topicArn = "";
const notifyPolicy = (name: string, source: string, topic: () => string) => policy(`apiVersion: caretaker/v1
name: ${name}
trigger: { event: { source: [${source}] } }
actions:
  - type: notify
    with: { topic: "${topic()}", subject: "hello {% detail.who %}", message: "{% detail %}" }
`);

let handler: ReturnType<typeof createHandler>;
beforeAll(async () => {
  topicArn = (await new SNSClient({}).send(new CreateTopicCommand({ Name: "handler-test" }))).TopicArn!;
  const missing = "arn:aws:sns:us-east-1:123456789012:does-not-exist";
  handler = createHandler({
    registry,
    policies: [notifyPolicy("greet", "app.greeter", () => topicArn), notifyPolicy("greet-too", "app.greeter", () => topicArn), notifyPolicy("broken", "app.broken", () => missing)],
    state: new MemoryStateStore(),
    logger: capturingLogger(),
  });
});

const event = (source: string, id: string) => ({ version: "0", id, "detail-type": "Greeting", source, account: "123456789012", time: "2026-01-01T00:00:00Z", region: "us-east-1", resources: [], detail: { who: "ops" } });

describe("Lambda handler", () => {
  it("runs the named policy for a sync-rules target input", async () => {
    const result = await handler({ policy: "greet", version: "whatever", event: event("app.greeter", "t-1") });
    expect(result.status).toBe("ok");
    expect(result.runs.map((r) => r.policy)).toEqual(["greet"]);
    expect(records.some((r) => r.message === "version mismatch" && r.policy === "greet")).toBe(true);
  });

  it("routes a bare EventBridge event to every enabled policy it matches", async () => {
    const result = await handler(event("app.greeter", "t-2"));
    expect(result.runs.map((r) => r.policy).sort()).toEqual(["greet", "greet-too"]);
    expect((await handler(event("app.nobody", "t-3"))).runs).toEqual([]);
  });

  it("writes one JSON log line per step and one per run, each with policy, version and event id", async () => {
    records.length = 0;
    await handler({ policy: "greet", version: "v", event: event("app.greeter", "t-4") });
    const steps = records.filter((r) => r.message === "step");
    const runs = records.filter((r) => r.message === "run");
    expect(steps).toHaveLength(1);
    expect(runs).toHaveLength(1);
    for (const r of [...steps, ...runs]) expect(r).toMatchObject({ policy: "greet", eventId: "t-4", version: expect.stringMatching(/^[0-9a-f]{12}$/) });
  });

  it.each([
    ["a string", "not an event"],
    ["an array", [1, 2]],
    ["an event without id", { source: "x", "detail-type": "y", time: "2026-01-01T00:00:00Z", detail: {} }],
    ["an event with a bad time", { id: "1", source: "x", "detail-type": "y", time: "yesterday", detail: {} }],
    ["a target input naming no deployed policy", { policy: "nope", version: "x", event: event("app.greeter", "t-5") }],
  ])("rejects %s with a log record instead of crashing", async (_name, input) => {
    records.length = 0;
    const result = await handler(input);
    expect(result.status).toBe("rejected");
    expect(result.error).toBeTruthy();
    expect(records.some((r) => r.message === "rejected input" && r.level === "ERROR")).toBe(true);
  });

  it("fails the invocation when a step fails, after logging what was done", async () => {
    records.length = 0;
    await expect(handler(event("app.broken", "t-6"))).rejects.toBeInstanceOf(CaretakerError);
    const run = records.find((r) => r.message === "run");
    expect(run).toMatchObject({ policy: "broken", eventId: "t-6", status: "failed" });
    expect(records.find((r) => r.message === "step")).toMatchObject({ status: "failed", type: "notify" });
  });
});
