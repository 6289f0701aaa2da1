import { beforeAll, describe, expect, it } from "vitest";
import {
  CreateSnapshotCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RegisterImageCommand,
  RunInstancesCommand,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import snapshotVolumes from "../../actions/snapshot-volumes.ts";
import type { ActionContext } from "../../engine/action-contract.ts";
import { CaretakerError, LimitError } from "../../engine/errors.ts";
import { testContext } from "../support/action-context.ts";

const ec2 = new EC2Client({});
let imageId = "";

function run(params: Record<string, unknown>, ctx: ActionContext) {
  return snapshotVolumes.run(params as never, ctx) as Promise<{
    instance: string;
    skipped?: string;
    snapshots: Array<{ volumeId: string; device: string; snapshotId: string }>;
  }>;
}

/** An instance with a root volume (/dev/sda1, moto's root device name) and one data volume. */
async function launch(tags: Record<string, string> = { AutoSnapshot: "true" }): Promise<{ id: string; root: string; data: string }> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      BlockDeviceMappings: [
        { DeviceName: "/dev/sda1", Ebs: { VolumeSize: 8 } },
        { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 10 } },
      ],
      TagSpecifications: Object.keys(tags).length
        ? [{ ResourceType: "instance", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }]
        : undefined,
    }),
  );
  const instance = out.Instances![0]!;
  const byDevice = new Map(instance.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs!.VolumeId!]));
  return { id: instance.InstanceId!, root: byDevice.get("/dev/sda1")!, data: byDevice.get("/dev/sdf")! };
}

async function snapshotsOf(volumeIds: string[]): Promise<Snapshot[]> {
  const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "volume-id", Values: volumeIds }] }));
  return out.Snapshots ?? [];
}

function tagsOf(snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries((snapshot.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

beforeAll(async () => {
  // The emulator runs without its default AMIs, so the tests register the one they boot.
  const image = await ec2.send(new RegisterImageCommand({ Name: "caretaker-test-base", RootDeviceName: "/dev/sda1" }));
  imageId = image.ImageId!;
});

describe("snapshot-volumes", () => {
  it("snapshots every attached volume of an opted-in instance, tagged at creation", async () => {
    const vm = await launch();
    const ctx = testContext({ eventId: "evt-create" });
    const out = await run({ instance: vm.id, "require-tags": { AutoSnapshot: "true" }, tags: { team: "ops" }, description: "nightly" }, ctx);

    expect(out.instance).toBe(vm.id);
    expect(out.skipped).toBeUndefined();
    expect(out.snapshots.map((s) => [s.device, s.volumeId])).toEqual([
      ["/dev/sda1", vm.root],
      ["/dev/sdf", vm.data],
    ]);
    const stored = await snapshotsOf([vm.root, vm.data]);
    expect(stored.map((s) => s.SnapshotId).sort()).toEqual(out.snapshots.map((s) => s.snapshotId).sort());
    for (const snapshot of stored) {
      expect(snapshot.Description).toBe("nightly");
      expect(tagsOf(snapshot)).toEqual({
        "caretaker:managed": "true",
        "caretaker:policy": "test-policy",
        "caretaker:version": "0123456789ab",
        "caretaker:event-id": "evt-create",
        team: "ops",
      });
    }
    // Tagged in the CreateSnapshot call itself, so no untagged snapshot ever exists.
    expect(ctx.clients.recorder.calls.map((c) => c.operation)).toEqual(["CreateSnapshot", "CreateSnapshot"]);
  });

  it("skips an instance without the required tag, or with another value", async () => {
    for (const tags of [{}, { AutoSnapshot: "false" }] as Array<Record<string, string>>) {
      const vm = await launch(tags);
      const ctx = testContext();
      const out = await run({ instance: vm.id, "require-tags": { AutoSnapshot: "true" } }, ctx);
      expect(out).toEqual({ instance: vm.id, skipped: "not-opted-in", snapshots: [] });
      expect(await snapshotsOf([vm.root, vm.data])).toHaveLength(0);
      expect(ctx.clients.recorder.calls).toEqual([]);
    }
  });

  it("leaves out the root volume with exclude-boot", async () => {
    const vm = await launch();
    const out = await run({ instance: vm.id, "exclude-boot": true }, testContext());
    expect(out.snapshots).toEqual([{ volumeId: vm.data, device: "/dev/sdf", snapshotId: expect.stringMatching(/^snap-/) }]);
    expect((await snapshotsOf([vm.root, vm.data])).map((s) => s.VolumeId)).toEqual([vm.data]);
  });

  it("reuses the snapshots of a repeated event and takes new ones for a new event", async () => {
    const vm = await launch();
    const first = await run({ instance: vm.id }, testContext({ eventId: "evt-repeat" }));
    const again = testContext({ eventId: "evt-repeat" });
    const second = await run({ instance: vm.id }, again);
    expect(second).toEqual(first);
    expect(again.clients.recorder.calls).toEqual([]);
    expect(await snapshotsOf([vm.root, vm.data])).toHaveLength(2);

    const next = await run({ instance: vm.id }, testContext({ eventId: "evt-next" }));
    expect(next.snapshots.map((s) => s.snapshotId)).not.toContain(first.snapshots[0]!.snapshotId);
    expect(await snapshotsOf([vm.root, vm.data])).toHaveLength(4);
  });

  it("after a crash between two creates, a retry takes only the missing snapshot", async () => {
    const vm = await launch();
    const ctx = testContext({ eventId: "evt-crash" });
    // What the crashed attempt left behind: the root volume's snapshot, tagged as the action tags it.
    const earlier = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: vm.root,
        TagSpecifications: [{ ResourceType: "snapshot", Tags: Object.entries(ctx.tags).map(([Key, Value]) => ({ Key, Value })) }],
      }),
    );
    const out = await run({ instance: vm.id }, ctx);
    expect(out.snapshots.find((s) => s.volumeId === vm.root)!.snapshotId).toBe(earlier.SnapshotId);
    expect(ctx.clients.recorder.calls.map((c) => c.input.VolumeId)).toEqual([vm.data]);
    expect(await snapshotsOf([vm.root, vm.data])).toHaveLength(2);
  });

  it("fails before creating anything when the volumes exceed max-resources", async () => {
    const vm = await launch();
    const ctx = testContext({ maxResources: 1 });
    await expect(run({ instance: vm.id }, ctx)).rejects.toBeInstanceOf(LimitError);
    expect(await snapshotsOf([vm.root, vm.data])).toHaveLength(0);
  });

  it("names an unknown instance in a Caretaker error", async () => {
    const error = await run({ instance: "i-0123456789abcdef0" }, testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaretakerError);
    expect((error as CaretakerError).message).toContain("i-0123456789abcdef0");
  });

  it("plans with placeholder ids in a dry run and creates nothing", async () => {
    const vm = await launch();
    const ctx = testContext({ clientOptions: { dryRun: true } });
    const out = await run({ instance: vm.id }, ctx);
    expect(out.snapshots.map((s) => s.snapshotId)).toEqual([expect.stringMatching(/^snap-dryrun/), expect.stringMatching(/^snap-dryrun/)]);
    expect(ctx.clients.recorder.calls.map((c) => c.operation)).toEqual(["CreateSnapshot", "CreateSnapshot"]);
    expect(await snapshotsOf([vm.root, vm.data])).toHaveLength(0);
  });

  it("declares least-privilege permissions", () => {
    const grants = snapshotVolumes.meta.permissions({}, { partition: "aws", region: "eu-west-1", account: "123456789012" });
    expect(grants).toContainEqual({
      actions: ["ec2:CreateSnapshot"],
      resources: ["arn:aws:ec2:eu-west-1::snapshot/*"],
      conditions: { StringEquals: { "aws:RequestTag/caretaker:managed": "true" } },
    });
    expect(grants).toContainEqual({ actions: ["ec2:CreateSnapshot"], resources: ["arn:aws:ec2:eu-west-1:123456789012:volume/*"] });
    expect(grants).toContainEqual({
      actions: ["ec2:CreateTags"],
      resources: ["arn:aws:ec2:eu-west-1::snapshot/*"],
      conditions: { StringEquals: { "ec2:CreateAction": "CreateSnapshot" } },
    });
    const wildcard = grants.filter((g) => g.resources.includes("*")).flatMap((g) => g.actions);
    expect(wildcard.every((a) => a.startsWith("ec2:Describe"))).toBe(true);
  });
});
