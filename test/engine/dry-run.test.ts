import { describe, expect, it } from "vitest";
import { CreateVolumeCommand, CreateSnapshotCommand, DescribeSnapshotsCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { createClients } from "../../engine/clients.ts";

describe("dry-run plugin", () => {
  it("records a mutating call and answers it with a placeholder without reaching moto", async () => {
    const live = createClients();
    const volume = await live.ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    const dry = createClients({ dryRun: true });
    dry.recorder.step = 0;
    const out = await dry.ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    expect(out.SnapshotId).toMatch(/^snap-dryrun/);
    const volumes = await dry.ec2.send(new DescribeVolumesCommand({}));
    expect(volumes.Volumes).toHaveLength(1);
    expect(dry.recorder.calls).toEqual([{ step: 0, service: "EC2", operation: "CreateSnapshot", input: { VolumeId: volume.VolumeId } }]);
    const snapshots = await live.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    expect(snapshots.Snapshots ?? []).toHaveLength(0);
  });

  it("records mutating calls in a live run too, and makes them", async () => {
    const live = createClients();
    const volume = await live.ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    await live.ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    expect(live.recorder.calls.map((c) => c.operation)).toEqual(["CreateVolume", "CreateSnapshot"]);
    const snapshots = await live.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    expect(snapshots.Snapshots).toHaveLength(1);
  });
});
