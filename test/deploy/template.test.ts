import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { registry } from "../../actions/index.ts";
import { loadPoliciesOrThrow } from "../../engine/policy/load.ts";
import { assembleTemplate, renderTemplate } from "../../deploy/template.ts";

const TEMPLATE = "deploy/template.yml";
const checkedIn = readFileSync(TEMPLATE, "utf8");
const template = parse(checkedIn) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }>; Outputs: Record<string, unknown> };
const resources = Object.values(template.Resources);
const ofType = (type: string) => resources.filter((r) => r.Type === type);

describe("deploy/template.yml", () => {
  it("is what the example policies generate (regenerate: node bin/run-ts.js deploy/write-template.ts)", () => {
    const policies = loadPoliciesOrThrow(["policies"], registry);
    expect(checkedIn).toBe(renderTemplate(assembleTemplate(policies, registry)));
  });

  it("passes cfn-lint", () => {
    const lint = spawnSync("cfn-lint", [TEMPLATE], { encoding: "utf8" });
    expect(lint.error).toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });

  it("holds the function on nodejs22.x arm64 with async retries and a failure destination", () => {
    const [fn] = ofType("AWS::Lambda::Function");
    expect(fn!.Properties).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], Handler: "index.handler" });
    expect(Object.keys(fn!.Properties.Environment.Variables)).toEqual(expect.arrayContaining(["CARETAKER_STATE_TABLE", "ALERT_TOPIC_ARN"]));
    const [config] = ofType("AWS::Lambda::EventInvokeConfig");
    expect(config!.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { Ref: "FailureTopic" } } } });
    expect(ofType("AWS::Lambda::Permission").every((p) => p.Properties.Principal === "events.amazonaws.com")).toBe(true);
  });

  it("holds an on-demand state table keyed by id with TTL on expiresAt, and a DLQ EventBridge may write to", () => {
    const [table] = ofType("AWS::DynamoDB::Table");
    expect(table!.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    const [queuePolicy] = ofType("AWS::SQS::QueuePolicy");
    expect(queuePolicy!.Properties.PolicyDocument.Statement[0].Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(["FunctionArn", "DeadLetterQueueArn", "AlertTopicArn", "StateTableName"]));
  });

  it("gives the role no wildcard action and no unconditioned write on *", () => {
    const [role] = ofType("AWS::IAM::Role");
    const statements = role!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of statement.Action) expect(action).not.toContain("*");
      if (statement.Resource.includes("*") && !statement.Condition) {
        for (const action of statement.Action) expect(action.split(":")[1]).toMatch(/^(Describe|Get|List)/);
      }
    }
  });
});
