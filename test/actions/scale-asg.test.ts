import { beforeAll, describe, expect, it } from "vitest";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  ScalingActivityInProgressFault,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, EC2Client, RegisterImageCommand } from "@aws-sdk/client-ec2";
import scaleAsg, { planCapacity } from "../../actions/scale-asg.ts";
import type { ActionContext } from "../../engine/action-contract.ts";
import { CaretakerError, ExpressionError, LimitError } from "../../engine/errors.ts";
import { checkRenderedParams } from "../../engine/params.ts";
import { testContext } from "../support/action-context.ts";

const autoScaling = new AutoScalingClient({});
const ec2 = new EC2Client({});
let launchTemplateId = "";

interface ScaleOutput {
  group: string;
  previous: number;
  desired: number;
  min: number;
  max: number;
  changed: boolean;
  reason?: string;
}

function run(params: Record<string, unknown>, ctx: ActionContext = testContext()): Promise<ScaleOutput> {
  return scaleAsg.run({ "honor-cooldown": false, ...params } as never, ctx) as Promise<unknown> as Promise<ScaleOutput>;
}

let groupCounter = 0;
async function createGroup(sizes: { min: number; max: number; desired: number }): Promise<string> {
  groupCounter += 1;
  const name = `web-${groupCounter}`;
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: "$Latest" },
      AvailabilityZones: ["us-east-1a"],
      MinSize: sizes.min,
      MaxSize: sizes.max,
      DesiredCapacity: sizes.desired,
    }),
  );
  return name;
}

async function desiredOf(name: string): Promise<number | undefined> {
  const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups?.[0]?.DesiredCapacity;
}

/**
 * moto never enforces cooldowns, so AWS's ScalingActivityInProgress answer to SetDesiredCapacity
 * is injected here, after the call recorder, where AWS itself would answer.
 */
function injectCooldownFault(ctx: ActionContext): void {
  ctx.clients.autoScaling.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "SetDesiredCapacityCommand") {
        throw new ScalingActivityInProgressFault({ message: "Scaling activity is in progress", $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: "initialize", priority: "low", name: "injectCooldownFault" },
  );
}

beforeAll(async () => {
  // The emulator runs without its default AMIs, so the launch template boots one registered here.
  const image = await ec2.send(new RegisterImageCommand({ Name: "caretaker-asg-base", RootDeviceName: "/dev/sda1" }));
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: "caretaker-asg", LaunchTemplateData: { ImageId: image.ImageId, InstanceType: "t3.micro" } }),
  );
  launchTemplateId = template.LaunchTemplate!.LaunchTemplateId!;
});

describe("planCapacity", () => {
  const cases = [
    { current: 2, min: 1, max: 3, change: { by: 2 }, plan: { desired: 3, reason: "at-max" } },
    { current: 3, min: 1, max: 3, change: { by: 1 }, plan: { desired: 3, reason: "at-max" } },
    { current: 2, min: 1, max: 3, change: { by: 1 }, plan: { desired: 3 } },
    { current: 2, min: 1, max: 3, change: { by: -5 }, plan: { desired: 1, reason: "at-min" } },
    { current: 1, min: 1, max: 3, change: { by: -1 }, plan: { desired: 1, reason: "at-min" } },
    { current: 2, min: 1, max: 3, change: { by: 0 }, plan: { desired: 2 } },
    { current: 2, min: 1, max: 5, change: { to: 4 }, plan: { desired: 4 } },
    { current: 2, min: 1, max: 5, change: { to: 9 }, plan: { desired: 5, reason: "at-max" } },
    { current: 2, min: 1, max: 5, change: { to: 0 }, plan: { desired: 1, reason: "at-min" } },
    { current: 0, min: 0, max: 0, change: { by: 1 }, plan: { desired: 0, reason: "at-max" } },
  ];
  it.each(cases)("$current in [$min, $max] with $change → $plan", ({ current, min, max, change, plan }) => {
    expect(planCapacity({ current, min, max }, change)).toEqual(plan);
  });
});

describe("scale-asg against moto", () => {
  it("scales out by 2 from 2 with MaxSize 3 to 3 and reports at-max", async () => {
    const group = await createGroup({ min: 1, max: 3, desired: 2 });
    const out = await run({ group, by: 2 });
    expect(out).toEqual({ group, previous: 2, desired: 3, min: 1, max: 3, changed: true, reason: "at-max" });
    expect(await desiredOf(group)).toBe(3);
  });

  it("sets an absolute capacity with `to`", async () => {
    const group = await createGroup({ min: 1, max: 5, desired: 2 });
    const out = await run({ group, to: 4 });
    expect(out).toEqual({ group, previous: 2, desired: 4, min: 1, max: 5, changed: true });
    expect(await desiredOf(group)).toBe(4);
  });

  it("clamps a negative step at MinSize and reports at-min", async () => {
    const group = await createGroup({ min: 1, max: 5, desired: 3 });
    const out = await run({ group, by: -10 });
    expect(out).toEqual({ group, previous: 3, desired: 1, min: 1, max: 5, changed: true, reason: "at-min" });
    expect(await desiredOf(group)).toBe(1);
  });

  it("makes no call when the group is already at MaxSize", async () => {
    const group = await createGroup({ min: 1, max: 3, desired: 3 });
    const ctx = testContext();
    const out = await run({ group, by: 2 }, ctx);
    expect(out).toEqual({ group, previous: 3, desired: 3, min: 1, max: 3, changed: false, reason: "at-max" });
    expect(ctx.clients.recorder.calls).toEqual([]);
  });

  it("makes no call when `to` equals the current capacity", async () => {
    const group = await createGroup({ min: 0, max: 4, desired: 2 });
    const ctx = testContext();
    const out = await run({ group, to: 2 }, ctx);
    expect(out.changed).toBe(false);
    expect(out.reason).toBeUndefined();
    expect(ctx.clients.recorder.calls).toEqual([]);
  });

  it("passes honor-cooldown through, and bypasses the cooldown by default", async () => {
    const group = await createGroup({ min: 1, max: 6, desired: 2 });
    const ctx = testContext();
    await run({ group, by: 1, "honor-cooldown": true }, ctx);
    await run({ group, by: 1 }, ctx);
    expect(ctx.clients.recorder.calls.map((c) => c.input)).toEqual([
      { AutoScalingGroupName: group, DesiredCapacity: 3, HonorCooldown: true },
      { AutoScalingGroupName: group, DesiredCapacity: 4, HonorCooldown: false },
    ]);
    expect(await desiredOf(group)).toBe(4);
  });

  it("fails with a CaretakerError naming the group and region when the group does not exist", async () => {
    const error = await run({ group: "no-such-group", by: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaretakerError);
    expect((error as Error).message).toContain('"no-such-group"');
    expect((error as Error).message).toContain("us-east-1");
  });

  it("refuses before any read when max-resources is 0", async () => {
    const group = await createGroup({ min: 1, max: 3, desired: 2 });
    await expect(run({ group, by: 1 }, testContext({ maxResources: 0 }))).rejects.toBeInstanceOf(LimitError);
    expect(await desiredOf(group)).toBe(2);
  });

  it("in a dry run reads the group, plans the call and leaves the group alone", async () => {
    const group = await createGroup({ min: 1, max: 5, desired: 2 });
    const ctx = testContext({ clientOptions: { dryRun: true } });
    const out = await run({ group, by: 2 }, ctx);
    expect(out).toEqual({ group, previous: 2, desired: 4, min: 1, max: 5, changed: true });
    expect(ctx.clients.recorder.calls).toEqual([
      { step: null, service: "AutoScaling", operation: "SetDesiredCapacity", input: { AutoScalingGroupName: group, DesiredCapacity: 4, HonorCooldown: false } },
    ]);
    expect(await desiredOf(group)).toBe(2);
  });

  it("reports reason cooldown and changes nothing when honor-cooldown meets a cooldown", async () => {
    const group = await createGroup({ min: 1, max: 5, desired: 2 });
    const ctx = testContext();
    injectCooldownFault(ctx);
    const out = await run({ group, by: 1, "honor-cooldown": true }, ctx);
    expect(out).toEqual({ group, previous: 2, desired: 2, min: 1, max: 5, changed: false, reason: "cooldown" });
    expect(await desiredOf(group)).toBe(2);
  });

  it("still fails on a cooldown fault when the policy asked to bypass cooldowns", async () => {
    const group = await createGroup({ min: 1, max: 5, desired: 2 });
    const ctx = testContext();
    injectCooldownFault(ctx);
    await expect(run({ group, by: 1 }, ctx)).rejects.toBeInstanceOf(ScalingActivityInProgressFault);
  });
});

describe("scale-asg params", () => {
  const where = { policy: "p", step: 0 };
  it.each([
    [{ group: "web", by: -2 }, { group: "web", by: -2, "honor-cooldown": false }],
    [{ group: "web", to: 0, "honor-cooldown": true }, { group: "web", to: 0, "honor-cooldown": true }],
  ])("accepts %j", (params, filled) => {
    expect(checkRenderedParams(scaleAsg, { ...params }, where)).toEqual(filled);
  });

  it.each([
    { group: "web" },
    { group: "web", by: 1, to: 2 },
    { group: "web", to: -1 },
    { group: "web", by: 1.5 },
    { by: 1 },
    { group: "has:colon", by: 1 },
    { group: "web", by: 1, extra: true },
  ])("rejects %j", (params) => {
    expect(() => checkRenderedParams(scaleAsg, { ...params }, where)).toThrow(ExpressionError);
  });
});

describe("scale-asg permissions", () => {
  const ctx = { partition: "aws", region: "eu-west-1", account: "111122223333" };
  it("scopes SetDesiredCapacity to the named group", () => {
    expect(scaleAsg.meta.permissions({ group: "web-asg" }, ctx)).toEqual([
      { actions: ["autoscaling:DescribeAutoScalingGroups"], resources: ["*"] },
      { actions: ["autoscaling:SetDesiredCapacity"], resources: ["arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/web-asg"] },
    ]);
  });

  it("falls back to every group of the account and region when the name is a template", () => {
    expect(scaleAsg.meta.permissions({}, ctx)[1]!.resources).toEqual(["arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*"]);
  });

  it("keeps IAM wildcard characters in a group name literal", () => {
    expect(scaleAsg.meta.permissions({ group: "a*b?c$" }, ctx)[1]!.resources).toEqual([
      "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/a${*}b${?}c${$}",
    ]);
  });
});
