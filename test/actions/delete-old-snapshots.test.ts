import { beforeEach, describe, expect, inject, it } from "vitest";
import {
  CreateSnapshotCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RegisterImageCommand,
} from "@aws-sdk/client-ec2";
import deleteOldSnapshots from "../../actions/delete-old-snapshots.ts";
import type { ActionContext } from "../../engine/action-contract.ts";
import { LimitError } from "../../engine/errors.ts";
import { testContext } from "../support/action-context.ts";

const ec2 = new EC2Client({});
const DAY = 86_400_000;
const MANAGED = { "caretaker:managed": "true" };

type Output = {
  deleted: string[];
  kept: number;
  skipped: Array<{ snapshotId: string; reason: string }>;
};

function run(params: Record<string, unknown>, ctx: ActionContext): Promise<Output> {
  return deleteOldSnapshots.run(params as never, ctx) as Promise<Output>;
}

/** A context whose `$now` is `days` after the real now, so snapshots made now are that old. */
function daysLater(days: number, extra: Parameters<typeof testContext>[0] = {}): ActionContext {
  return testContext({ time: new Date(Date.now() + days * DAY).toISOString(), ...extra });
}

async function volume(): Promise<string> {
  return (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }))).VolumeId!;
}

async function snapshot(volumeId: string, tags: Record<string, string> = MANAGED): Promise<string> {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2.send(
    new CreateSnapshotCommand({ VolumeId: volumeId, TagSpecifications: Tags.length ? [{ ResourceType: "snapshot", Tags }] : undefined }),
  );
  return out.SnapshotId!;
}

async function existing(): Promise<string[]> {
  const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
  return (out.Snapshots ?? []).map((s) => s.SnapshotId!).sort();
}

const sorted = (ids: string[]) => [...ids].sort();

beforeEach(async () => {
  // Each case starts from an empty account: the default selector matches every managed snapshot.
  const response = await fetch(`${inject("motoEndpoint")}/moto-api/reset`, { method: "POST" });
  expect(response.ok).toBe(true);
});

describe("delete-old-snapshots against the emulator", () => {
  it("deletes a managed snapshot once it is older than older-than", async () => {
    const id = await snapshot(await volume());
    expect(await run({ "older-than": "30d" }, daysLater(29))).toEqual({ deleted: [], kept: 1, skipped: [] });
    expect(await existing()).toEqual([id]);

    const ctx = daysLater(31);
    expect(await run({ "older-than": "30d" }, ctx)).toEqual({ deleted: [id], kept: 0, skipped: [] });
    expect(await existing()).toEqual([]);
    expect(ctx.clients.recorder.calls).toEqual([{ step: null, service: "EC2", operation: "DeleteSnapshot", input: { SnapshotId: id } }]);
  });

  it("only touches snapshots carrying every selector tag", async () => {
    const vol = await volume();
    const mine = await snapshot(vol, { ...MANAGED, team: "a" });
    const otherTeam = await snapshot(vol, { ...MANAGED, team: "b" });
    const unmanaged = await snapshot(vol, { team: "a" });
    const untagged = await snapshot(vol, {});

    const out = await run({ "older-than": "30d", tags: { ...MANAGED, team: "a" } }, daysLater(31));
    expect(out).toEqual({ deleted: [mine], kept: 0, skipped: [] });
    expect(await existing()).toEqual(sorted([otherTeam, unmanaged, untagged]));
  });

  it("keeps the newest keep-latest snapshots of each volume whatever their age", async () => {
    const a = await volume();
    const b = await volume();
    const aOld = await snapshot(a);
    const bOnly = await snapshot(b);
    // The emulator's start times have one-second resolution; make "newest" unambiguous.
    await new Promise((r) => setTimeout(r, 1100));
    const aNew = await snapshot(a);

    const out = await run({ "older-than": "30d", "keep-latest": 1 }, daysLater(31));
    expect(out).toEqual({ deleted: [aOld], kept: 2, skipped: [] });
    expect(await existing()).toEqual(sorted([bOnly, aNew]));
  });

  it("never deletes a snapshot behind a registered AMI", async () => {
    const image = await ec2.send(new RegisterImageCommand({ Name: "golden", RootDeviceName: "/dev/sda1" }));
    const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [image.ImageId!] }));
    const backing = described.Images![0]!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    await ec2.send(new CreateTagsCommand({ Resources: [backing], Tags: [{ Key: "caretaker:managed", Value: "true" }] }));
    const plain = await snapshot(await volume());

    const ctx = daysLater(31);
    const out = await run({ "older-than": "30d" }, ctx);
    expect(out).toEqual({ deleted: [plain], kept: 0, skipped: [{ snapshotId: backing, reason: "in-use" }] });
    expect(await existing()).toEqual([backing]);
    // Skipped up front, not by provoking InvalidSnapshot.InUse.
    expect(ctx.clients.recorder.calls.map((c) => c.input.SnapshotId)).toEqual([plain]);
  });

  it("fails before deleting anything when more than max-resources would go", async () => {
    const vol = await volume();
    const ids = [await snapshot(vol), await snapshot(vol), await snapshot(vol)];
    const ctx = daysLater(31, { maxResources: 2 });
    await expect(run({ "older-than": "30d" }, ctx)).rejects.toBeInstanceOf(LimitError);
    expect(await existing()).toEqual(sorted(ids));
    expect(ctx.clients.recorder.calls).toEqual([]);
  });

  it("plans the deletes in a dry run and leaves the snapshots in place", async () => {
    const id = await snapshot(await volume());
    const ctx = daysLater(31, { clientOptions: { dryRun: true } });
    expect(await run({ "older-than": "30d" }, ctx)).toEqual({ deleted: [id], kept: 0, skipped: [] });
    expect(ctx.clients.recorder.calls.map((c) => c.operation)).toEqual(["DeleteSnapshot"]);
    expect(await existing()).toEqual([id]);
  });
});

describe("delete-old-snapshots permissions", () => {
  const where = { partition: "aws-cn", region: "cn-north-1", account: "123456789012" };
  const deleteGrant = (tags: Record<string, string> | undefined) =>
    deleteOldSnapshots.meta.permissions({ tags } as never, where).find((g) => g.actions.includes("ec2:DeleteSnapshot"));

  it("limits DeleteSnapshot to snapshots carrying the selector tags", () => {
    expect(deleteGrant({ "caretaker:managed": "true", team: "ops" })).toEqual({
      actions: ["ec2:DeleteSnapshot"],
      resources: ["arn:aws-cn:ec2:cn-north-1::snapshot/*"],
      conditions: { StringEquals: { "aws:ResourceTag/caretaker:managed": "true", "aws:ResourceTag/team": "ops" } },
    });
  });

  it("falls back to the managed tag when the selector is only known at run time", () => {
    expect(deleteGrant(undefined)?.conditions).toEqual({ StringEquals: { "aws:ResourceTag/caretaker:managed": "true" } });
    expect(deleteGrant({ team: "{% $env.TEAM %}" })?.conditions).toEqual({ StringLike: { "aws:ResourceTag/team": "*" } });
  });

  it("needs no Describe permission beyond the ones EC2 cannot scope", () => {
    const grants = deleteOldSnapshots.meta.permissions({}, where);
    const wildcard = grants.filter((g) => g.resources.includes("*")).flatMap((g) => g.actions);
    expect(sorted(wildcard)).toEqual(["ec2:DescribeImages", "ec2:DescribeSnapshots"]);
  });
});
