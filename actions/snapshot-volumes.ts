import { CreateSnapshotCommand, DescribeInstancesCommand, type EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { defineAction, type ActionContext, type PermissionGrant } from "../engine/action-contract.ts";
import { CaretakerError } from "../engine/errors.ts";
import { forEachBounded } from "../engine/concurrency.ts";
import { sendOnce } from "./lib/send-once.ts";
import { awsErrorCode, describeOwnSnapshots, ec2Arn, fromEc2Tags, tagFilters, toEc2Tags } from "./lib/ec2-snapshots.ts";

/** One attached EBS volume and the snapshot taken of it. */
export interface VolumeSnapshot {
  volumeId: string;
  device: string;
  snapshotId: string;
}

/** Why an instance's volumes were not snapshotted. */
export const SnapshotSkip = {
  notOptedIn: "not-opted-in",
} as const;

// An instance has at most a few dozen volumes; a handful of parallel creates keeps the
// per-volume pending-snapshot limit and the API's write throttling out of play.
const CREATE_CONCURRENCY = 4;
// EC2 rejects longer snapshot descriptions.
const DESCRIPTION_MAX = 255;

async function loadInstance(ec2: EC2Client, instanceId: string): Promise<Instance> {
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = out.Reservations?.[0]?.Instances?.[0];
    if (instance) return instance;
  } catch (error) {
    const code = awsErrorCode(error);
    if (code !== "InvalidInstanceID.NotFound" && code !== "InvalidInstanceID.Malformed") throw error;
  }
  throw new CaretakerError(`instance ${instanceId} does not exist in this account and region`);
}

/**
 * True when the instance carries every required tag with the required value.
 *
 * @example
 * isOptedIn({ AutoSnapshot: "true", team: "ops" }, { AutoSnapshot: "true" }); // true
 */
export function isOptedIn(instanceTags: Record<string, string>, required: Record<string, string> = {}): boolean {
  return Object.entries(required).every(([key, value]) => instanceTags[key] === value);
}

/** The instance's attached EBS volumes in device order, without the root volume when asked. */
export function attachedVolumes(instance: Instance, excludeBoot: boolean): Array<{ volumeId: string; device: string }> {
  const volumes: Array<{ volumeId: string; device: string }> = [];
  for (const mapping of instance.BlockDeviceMappings ?? []) {
    const volumeId = mapping.Ebs?.VolumeId;
    const device = mapping.DeviceName ?? "";
    if (!volumeId) continue;
    if (excludeBoot && device === instance.RootDeviceName) continue;
    volumes.push({ volumeId, device });
  }
  return volumes;
}

/**
 * Snapshots this policy already made for this event, by volume. A retry after a crash
 * (or a duplicate delivery) finds them by their caretaker tags and does not take them twice.
 */
async function findEventSnapshots(ec2: EC2Client, ctx: ActionContext, volumeIds: string[]): Promise<Map<string, string>> {
  const filters = [
    ...tagFilters({ "caretaker:policy": ctx.policy.name, "caretaker:event-id": ctx.event.id }),
    { Name: "volume-id", Values: volumeIds },
    // A failed snapshot is no backup; take a new one.
    { Name: "status", Values: ["pending", "completed"] },
  ];
  const earliest = new Map<string, { snapshotId: string; time: number }>();
  for await (const page of describeOwnSnapshots(ec2, filters)) {
    for (const snapshot of page) {
      if (!snapshot.VolumeId || !snapshot.SnapshotId) continue;
      const time = snapshot.StartTime?.getTime() ?? Number.POSITIVE_INFINITY;
      const seen = earliest.get(snapshot.VolumeId);
      if (!seen || time < seen.time) earliest.set(snapshot.VolumeId, { snapshotId: snapshot.SnapshotId, time });
    }
  }
  return new Map([...earliest].map(([volumeId, { snapshotId }]) => [volumeId, snapshotId]));
}

const tagMap = {
  type: "object",
  additionalProperties: { type: "string", maxLength: 256 },
  // EC2 reserves `aws:`; `caretaker:` tags are set by the engine and must stay truthful.
  propertyNames: { minLength: 1, maxLength: 128, pattern: "^(?!aws:|caretaker:)" },
  // 50 tags per resource, 4 of which are Caretaker's.
  maxProperties: 46,
} as const;

export default defineAction({
  meta: {
    type: "snapshot-volumes",
    description:
      "Snapshots every attached EBS volume of an instance, tagged at creation; skips instances without the required tags; a repeat of the same event reuses the snapshots it already made.",
    kind: "write",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["instance"],
      properties: {
        instance: { type: "string", pattern: "^i-[0-9a-f]{8,17}$", description: "EC2 instance id." },
        "require-tags": {
          type: "object",
          additionalProperties: { type: "string" },
          description: "Tags the instance must carry, with these values, to be snapshotted (opt-in).",
        },
        "exclude-boot": { type: "boolean", default: false, description: "Leave out the root device volume." },
        tags: { ...tagMap, description: "Extra tags for the snapshots, besides the caretaker:* tags." },
        description: { type: "string", maxLength: DESCRIPTION_MAX, description: "Snapshot description." },
      },
    } as const,
    permissions: (_params, ctx): PermissionGrant[] => [
      { actions: ["ec2:DescribeInstances", "ec2:DescribeSnapshots"], resources: ["*"] },
      {
        actions: ["ec2:CreateSnapshot"],
        resources: [ec2Arn(ctx, "snapshot")],
        conditions: { StringEquals: { "aws:RequestTag/caretaker:managed": "true" } },
      },
      { actions: ["ec2:CreateSnapshot"], resources: [ec2Arn(ctx, "volume")] },
      {
        actions: ["ec2:CreateTags"],
        resources: [ec2Arn(ctx, "snapshot")],
        conditions: { StringEquals: { "ec2:CreateAction": "CreateSnapshot" } },
      },
    ],
    example: { instance: "i-0123456789abcdef0", "require-tags": { AutoSnapshot: "true" }, "exclude-boot": false, tags: { team: "ops" } },
  },
  async run(params, ctx) {
    const ec2 = ctx.clients.ec2;
    const instanceId = params.instance;
    const instance = await loadInstance(ec2, instanceId);
    if (!isOptedIn(fromEc2Tags(instance.Tags), params["require-tags"])) {
      return { instance: instanceId, skipped: SnapshotSkip.notOptedIn, snapshots: [] };
    }
    const volumes = attachedVolumes(instance, params["exclude-boot"] ?? false);
    if (volumes.length === 0) return { instance: instanceId, snapshots: [] };

    const existing = await findEventSnapshots(ec2, ctx, volumes.map((v) => v.volumeId));
    const missing = volumes.filter((v) => !existing.has(v.volumeId));
    ctx.assertWithinLimit(missing.length, "snapshots");
    if (existing.size > 0) ctx.log.info("reusing snapshots of this event", { instance: instanceId, reused: existing.size });

    const created = new Map<string, string>();
    const tags = toEc2Tags(params.tags, ctx.tags);
    await forEachBounded(missing, CREATE_CONCURRENCY, async ({ volumeId, device }) => {
      const description = params.description ?? `Caretaker ${ctx.policy.name}: ${instanceId} ${device} (${volumeId})`;
      const command = new CreateSnapshotCommand({
        VolumeId: volumeId,
        Description: description.slice(0, DESCRIPTION_MAX),
        TagSpecifications: [{ ResourceType: "snapshot", Tags: tags }],
      });
      // CreateSnapshot has no client token: a retry after a lost answer would take a second snapshot.
      const result = await sendOnce(command, () => ec2.send(command), async () => (await findEventSnapshots(ec2, ctx, [volumeId])).get(volumeId));
      const snapshotId = "found" in result ? result.found : result.output.SnapshotId;
      if (!snapshotId) throw new CaretakerError(`CreateSnapshot for ${volumeId} returned no snapshot id`);
      created.set(volumeId, snapshotId);
    });

    const snapshots: VolumeSnapshot[] = volumes.map(({ volumeId, device }) => ({
      volumeId,
      device,
      snapshotId: existing.get(volumeId) ?? created.get(volumeId)!,
    }));
    return { instance: instanceId, snapshots };
  },
});
