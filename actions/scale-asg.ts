import { DescribeAutoScalingGroupsCommand, ScalingActivityInProgressFault, SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { defineAction } from "../engine/action-contract.ts";
import { CaretakerError } from "../engine/errors.ts";
import { iamLiteral } from "./lib/iam-literal.ts";

/** Why the group did not get the capacity the policy asked for. */
export const ScaleReason = {
  atMax: "at-max",
  atMin: "at-min",
  cooldown: "cooldown",
} as const;
export type ScaleReason = (typeof ScaleReason)[keyof typeof ScaleReason];

/** The capacity decision, computed before any call so a dry run shows the same numbers. */
export interface ScalePlan {
  desired: number;
  reason?: ScaleReason;
}

/**
 * Clamps the requested capacity into [min, max]. Auto Scaling rejects a desired capacity
 * outside the bounds (and emulators silently accept it), so the clamp is ours.
 *
 * @example
 * planCapacity({ current: 2, min: 1, max: 3 }, { by: 2 }); // { desired: 3, reason: "at-max" }
 * planCapacity({ current: 2, min: 1, max: 3 }, { to: 0 });  // { desired: 1, reason: "at-min" }
 */
export function planCapacity(
  group: { current: number; min: number; max: number },
  change: { by?: number | undefined; to?: number | undefined },
): ScalePlan {
  const requested = change.by !== undefined ? group.current + change.by : (change.to ?? group.current);
  if (requested > group.max) return { desired: group.max, reason: ScaleReason.atMax };
  if (requested < group.min) return { desired: group.min, reason: ScaleReason.atMin };
  return { desired: requested };
}

// Passed to defineAction explicitly: inferring a oneOf schema through the generic is too deep for tsc.
const scaleAsgParams = {
  type: "object",
  properties: {
    group: {
      type: "string",
      description: "Auto Scaling group name.",
      // Auto Scaling names: printable ASCII without spaces or colons, 1-255 characters.
      pattern: "^[\\x21-\\x39\\x3b-\\x7e]{1,255}$",
    },
    by: { type: "integer", description: "Change of the desired capacity; negative scales in." },
    to: { type: "integer", minimum: 0, description: "Absolute desired capacity." },
    "honor-cooldown": {
      type: "boolean",
      default: false,
      description: "Do not scale while the group's cooldown or a scaling activity runs; the step then changes nothing and reports reason `cooldown`.",
    },
  },
  required: ["group"],
  oneOf: [{ required: ["by"] }, { required: ["to"] }],
  additionalProperties: false,
} as const;

export default defineAction<typeof scaleAsgParams>({
  meta: {
    type: "scale-asg",
    description:
      "Sets an Auto Scaling group's desired capacity by a step or to a value, clamped to its MinSize and MaxSize; makes no call when nothing would change.",
    kind: "write",
    params: scaleAsgParams,
    permissions(params, { partition, region, account }) {
      const name = params.group === undefined ? "*" : iamLiteral(params.group);
      return [
        // DescribeAutoScalingGroups has no resource-level permissions.
        { actions: ["autoscaling:DescribeAutoScalingGroups"], resources: ["*"] },
        {
          actions: ["autoscaling:SetDesiredCapacity"],
          resources: [`arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`],
        },
      ];
    },
    example: { group: "web-asg", by: 2 },
  },

  async run(params, ctx) {
    ctx.assertWithinLimit(1, "auto scaling groups");
    const client = ctx.clients.autoScaling;
    const found = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [params.group] }));
    const group = found.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === params.group);
    if (!group) {
      const region = await client.config.region();
      throw new CaretakerError(`Auto Scaling group "${params.group}" not found in ${region}`);
    }
    const current = group.DesiredCapacity ?? 0;
    const min = group.MinSize ?? 0;
    const max = group.MaxSize ?? 0;
    // `by: 2` is not idempotent: a retry after the set was applied would plan from the new
    // capacity. The first attempt's decision is kept in the run's state and reused.
    const planned = planCapacity({ current, min, max }, params);
    const decided = await ctx.remember({ previous: current, desired: planned.desired, reason: planned.reason ?? null });
    const plan = { desired: decided.desired, reason: decided.reason ?? undefined };
    const output = { group: params.group, previous: decided.previous, desired: plan.desired, min, max, changed: false, ...(plan.reason && { reason: plan.reason }) };
    if (plan.desired === decided.previous) return output;
    if (plan.desired === current) return { ...output, changed: true };

    try {
      await client.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: params.group,
          DesiredCapacity: plan.desired,
          HonorCooldown: params["honor-cooldown"] ?? false,
        }),
      );
    } catch (error) {
      // With honor-cooldown, a running activity or cooldown is the outcome the user asked for, not a failure.
      if (error instanceof ScalingActivityInProgressFault && params["honor-cooldown"]) {
        ctx.log.info("scaling deferred by cooldown", { group: params.group, previous: current, requested: plan.desired });
        return { ...output, desired: current, reason: ScaleReason.cooldown };
      }
      throw error;
    }
    ctx.log.info("desired capacity set", { group: params.group, previous: current, desired: plan.desired });
    return { ...output, changed: true };
  },
});
