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

describe("moto harness: conditional writes under concurrency", () => {
  it("lets exactly one of several concurrent claims win, as DynamoDB does", async () => {
    const { CreateTableCommand, DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
    const { DynamoDbStateStore } = await import("../../engine/state/dynamodb-store.ts");
    const client = new DynamoDBClient({});
    await client.send(new CreateTableCommand({ TableName: "race", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));
    const store = new DynamoDbStateStore(client, "race");
    for (let k = 0; k < 20; k++) {
      const claims = await Promise.all([0, 1, 2, 3].map((i) => store.claim(`key-${k}`, `owner-${i}`, 60_000)));
      expect(claims.filter((c) => c.status === "claimed")).toHaveLength(1);
    }
  });
});
