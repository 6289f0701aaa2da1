import { afterAll, describe, expect, it } from "vitest";
import { createRegistry, defineAction, type PermissionGrant } from "../../engine/action-contract.ts";
import { DeployError } from "../../engine/errors.ts";
import { assembleIamPolicy, mergeGrants, staticParams, type IamPolicyDocument } from "../../deploy/iam.ts";
import { iamContext } from "../../deploy/iam-context.ts";
import { iamCommand } from "../../engine/cli/commands/iam.ts";
import { templateIamPolicy } from "../../deploy/template.ts";
import archiveTable from "../../actions/archive-table.ts";
import scaleAsg from "../../actions/scale-asg.ts";
import deleteOldSnapshots from "../../actions/delete-old-snapshots.ts";
import snapshotVolumes from "../../actions/snapshot-volumes.ts";
import { eventPolicy, PolicyFolder, schedulePolicy } from "./fixtures.ts";

const registry = createRegistry([deleteOldSnapshots, snapshotVolumes, archiveTable, scaleAsg]);
const ctx = iamContext({ partition: "aws", region: "eu-west-1", account: "123456789012", stateTable: "caretaker-state" });
const folder = new PolicyFolder();
afterAll(() => folder.remove());

const nightly = schedulePolicy("nightly", "cron(0 2 * * ? *)", {
  actions: [
    { type: "delete-old-snapshots", with: { "older-than": "30d", tags: { "caretaker:managed": "true", team: "ops" } } },
    { type: "archive-table", with: { table: "metrics", bucket: "ops-archive", key: "metrics/{% $substring($now, 0, 10) %}.jsonl" } },
    { type: "scale-asg", with: { group: "web", by: 2 } },
  ],
});
const snap = eventPolicy("snap-on-stop", { source: ["aws.ec2"] });

function statementsWith(doc: IamPolicyDocument, action: string) {
  return doc.Statement.filter((s) => s.Action.includes(action));
}

describe("assembleIamPolicy", () => {
  const doc = assembleIamPolicy(folder.write([nightly, snap]).load(registry), registry, ctx);

  it("never grants a wildcard action, nor a write on * without a condition", () => {
    for (const statement of doc.Statement) {
      for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      if (statement.Resource.includes("*") && !statement.Condition) {
        for (const action of statement.Action) expect(action.split(":")[1]).toMatch(/^(Describe|Get|List)/);
      }
    }
  });

  it("conditions DeleteSnapshot on every tag the policy's delete-old-snapshots requires", () => {
    const deletes = statementsWith(doc, "ec2:DeleteSnapshot");
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({
      Resource: ["arn:aws:ec2:eu-west-1::snapshot/*"],
      Condition: { StringEquals: { "aws:ResourceTag/caretaker:managed": "true", "aws:ResourceTag/team": "ops" } },
    });
  });

  it("scopes resources the policies give statically", () => {
    expect(statementsWith(doc, "dynamodb:Scan")[0]!.Resource).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/metrics"]);
    // The key holds a template, so per the StaticParams contract it is unknown: the whole bucket.
    expect(statementsWith(doc, "s3:PutObject")[0]!.Resource).toEqual(["arn:aws:s3:::ops-archive/*"]);
    expect(statementsWith(doc, "autoscaling:SetDesiredCapacity")[0]!.Resource[0]).toMatch(/autoScalingGroupName\/web$/);
  });

  it("grants the engine its state table and log stream", () => {
    const state = statementsWith(doc, "dynamodb:UpdateItem")[0]!;
    expect(state.Action).toEqual(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
    expect(state.Resource).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/caretaker-state"]);
    expect(statementsWith(doc, "logs:PutLogEvents")[0]!.Resource).toEqual(["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/caretaker:*"]);
  });

  it("prints CloudFormation placeholders when no account is given", () => {
    const placeholders = assembleIamPolicy(folder.load(registry), registry, iamContext());
    expect(statementsWith(placeholders, "ec2:DeleteSnapshot")[0]!.Resource).toEqual(["arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*"]);
    expect(statementsWith(placeholders, "dynamodb:GetItem")[0]!.Resource).toEqual(["${StateTable.Arn}"]);
  });

  it("refuses a declaration with a wildcard action or an unconditioned write on *", () => {
    const broad = (grants: PermissionGrant[]) =>
      createRegistry([
        defineAction({
          meta: { type: "snapshot-volumes", description: "", kind: "write", params: { type: "object" } as const, permissions: () => grants, example: {} },
          run: async () => ({}),
        }),
      ]);
    const policies = folder.write([snap]).load(registry);
    expect(() => assembleIamPolicy(policies, broad([{ actions: ["ec2:*"], resources: ["arn:aws:ec2:::volume/*"] }]), ctx)).toThrow(DeployError);
    expect(() => assembleIamPolicy(policies, broad([{ actions: ["ec2:DeleteVolume"], resources: ["*"] }]), ctx)).toThrow(/DeleteVolume on Resource "\*" without a condition/);
    const conditioned = [{ actions: ["ec2:DeleteVolume"], resources: ["*"], conditions: { StringEquals: { "aws:ResourceTag/x": "y" } } }];
    expect(() => assembleIamPolicy(policies, broad(conditioned), ctx)).not.toThrow();
  });
});

describe("mergeGrants", () => {
  it("merges grants with the same resources and conditions, then the same actions", () => {
    const merged = mergeGrants([
      { actions: ["sns:Publish"], resources: ["arn:t1"] },
      { actions: ["ec2:DescribeImages"], resources: ["*"] },
      { actions: ["sns:Publish"], resources: ["arn:t2"] },
      { actions: ["ec2:DescribeSnapshots", "ec2:DescribeImages"], resources: ["*"] },
      { actions: ["ec2:DeleteSnapshot"], resources: ["arn:s"], conditions: { StringEquals: { a: "1" } } },
      { actions: ["ec2:DeleteSnapshot"], resources: ["arn:s"], conditions: { StringEquals: { a: "2" } } },
    ]);
    expect(merged).toEqual([
      { Effect: "Allow", Action: ["ec2:DeleteSnapshot"], Resource: ["arn:s"], Condition: { StringEquals: { a: "1" } } },
      { Effect: "Allow", Action: ["ec2:DeleteSnapshot"], Resource: ["arn:s"], Condition: { StringEquals: { a: "2" } } },
      { Effect: "Allow", Action: ["ec2:DescribeImages", "ec2:DescribeSnapshots"], Resource: ["*"] },
      { Effect: "Allow", Action: ["sns:Publish"], Resource: ["arn:t1", "arn:t2"] },
    ]);
  });
});

describe("staticParams", () => {
  it("makes templated values unknown, except an env value the deployment states", () => {
    const params = { topic: "{% $env.ALERT_TOPIC_ARN %}", subject: "x {% $a %}", group: "web", tags: { a: "b" } };
    expect(staticParams(params)).toEqual({ topic: undefined, subject: undefined, group: "web", tags: { a: "b" } });
    expect(staticParams(params, { ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:1:alerts" }).topic).toBe("arn:aws:sns:us-east-1:1:alerts");
  });
});

describe("the iam command", () => {
  it("prints the document as JSON with --json", async () => {
    folder.write([nightly, snap]);
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), cwd: process.cwd(), env: {}, isTTY: false };
    const values = { json: true, policies: folder.dir, account: "123456789012", region: "eu-west-1", partition: "aws", "state-table": "caretaker-state" };
    expect(await iamCommand.run({ positionals: [], values, io, registry })).toBe(0);
    expect(JSON.parse(lines.join("\n"))).toEqual(assembleIamPolicy(folder.load(registry), registry, ctx));
  });

  it("prints the template's own role policy when no account, region or partition is given", async () => {
    folder.write([nightly, snap]);
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), cwd: process.cwd(), env: {}, isTTY: false };
    expect(await iamCommand.run({ positionals: [], values: { json: true, policies: folder.dir }, io, registry })).toBe(0);
    expect(JSON.parse(lines.join("\n"))).toEqual(templateIamPolicy(folder.load(registry), registry));
  });
});
