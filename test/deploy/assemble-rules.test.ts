import { describe, expect, it } from "vitest";
import { assembleRules, engineInputTemplate, EVENTBRIDGE_LIMITS } from "../../deploy/assemble-rules.ts";
import { DeployError } from "../../engine/errors.ts";
import type { LoadedPolicy, PolicyDoc } from "../../engine/policy/types.ts";

function policy(doc: Partial<PolicyDoc> & { name: string }, file = `policies/${doc.name}.yml`): LoadedPolicy {
  const full: PolicyDoc = { apiVersion: "caretaker/v1", trigger: { schedule: "rate(1 day)" }, actions: [{ type: "notify" }], ...doc };
  return { file, doc: full, version: "0123456789ab", locate: () => ({ line: 1, column: 1 }) };
}

function problemsOf(policies: LoadedPolicy[], options = {}): string {
  try {
    assembleRules(policies, options);
  } catch (error) {
    expect(error).toBeInstanceOf(DeployError);
    return (error as Error).message;
  }
  throw new Error("assembleRules accepted the rules");
}

describe("assembleRules", () => {
  it("builds the name, bus, pattern, state, tags and the engine target of each policy", () => {
    const [rule] = assembleRules([policy({ name: "snap", enabled: false, trigger: { event: { source: ["aws.ec2"], detail: { b: [1], a: [2] } }, bus: "ops" } })], {
      targetArn: "arn:aws:lambda:us-east-1:1:function:f",
      prefix: "ops-",
    });
    expect(rule).toMatchObject({
      name: "ops-snap",
      bus: "ops",
      eventPattern: '{"detail":{"a":[2],"b":[1]},"source":["aws.ec2"]}',
      state: "DISABLED",
      tags: { "caretaker:managed": "true", "caretaker:policy": "snap", "caretaker:version": "0123456789ab" },
    });
    expect(rule!.scheduleExpression).toBeUndefined();
    expect(rule!.targets).toHaveLength(1);
    expect(rule!.targets[0]!.DeadLetterConfig).toBeUndefined();
  });

  it("builds an input template that is JSON once EventBridge substitutes the event", () => {
    const template = engineInputTemplate("nightly", "3f2a9c1e0b7d");
    const delivered = template.replace("<aws.events.event.json>", JSON.stringify({ id: "e-1", detail: {} }));
    expect(JSON.parse(delivered)).toEqual({ policy: "nightly", version: "3f2a9c1e0b7d", event: { id: "e-1", detail: {} } });
  });

  it("reports every broken limit of every rule at once, naming the files", () => {
    const longName = "a".repeat(60);
    const bigPattern = { source: ["x".repeat(EVENTBRIDGE_LIMITS.eventPatternLength)] };
    const message = problemsOf([
      policy({ name: longName }),
      policy({ name: "wordy", description: "d".repeat(513) }),
      policy({ name: "big", trigger: { event: bigPattern } }),
    ]);
    expect(message).toContain(`policies/${longName}.yml: rule caretaker-${longName}: the name is 70 characters`);
    expect(message).toContain("policies/wordy.yml: rule caretaker-wordy: the description is 513 characters");
    expect(message).toContain("policies/big.yml: rule caretaker-big: the event pattern is");
  });

  it("accepts a pattern up to a raised quota", () => {
    const pattern = { source: ["x".repeat(3000)] };
    expect(() => assembleRules([policy({ name: "big", trigger: { event: pattern } })])).toThrow(DeployError);
    expect(assembleRules([policy({ name: "big", trigger: { event: pattern } })], { eventPatternLength: 4096 })).toHaveLength(1);
  });

  it("refuses a prefix with characters rule names cannot hold", () => {
    expect(problemsOf([policy({ name: "x" })], { prefix: "care taker:" })).toContain("may only hold letters");
  });

  it("sets the dead-letter queue when one is given", () => {
    const [rule] = assembleRules([policy({ name: "x" })], { dlqArn: "arn:aws:sqs:us-east-1:1:dlq" });
    expect(rule!.targets[0]!.DeadLetterConfig).toEqual({ Arn: "arn:aws:sqs:us-east-1:1:dlq" });
  });
});
