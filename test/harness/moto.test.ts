import { describe, expect, it } from "vitest";
import { EC2Client, CreateVolumeCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";

describe("moto harness", () => {
  it("points the SDK at a loopback emulator that starts empty for each file", async () => {
    expect(process.env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ec2 = new EC2Client({});
    const before = await ec2.send(new DescribeVolumesCommand({}));
    expect(before.Volumes ?? []).toHaveLength(0);
    await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    const after = await ec2.send(new DescribeVolumesCommand({}));
    expect(after.Volumes).toHaveLength(1);
  });
});
