import { describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";
import { decodeChunks, encodeChunks } from "../../engine/state/chunks.ts";

describe("step checkpoints larger than one DynamoDB item", () => {
  it("splits and joins gzipped JSON", () => {
    const value = { ids: Array.from({ length: 1000 }, (_, i) => `snap-${i}`) };
    const parts = encodeChunks(value, 100);
    expect(parts.length).toBeGreaterThan(1);
    expect(decodeChunks(parts)).toEqual(value);
  });

  it("round-trips a 50,000-id output through moto's DynamoDB (400 KB item limit)", async () => {
    const client = new DynamoDBClient({});
    await client.send(new CreateTableCommand({
      TableName: "state-big", BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    }));
    const store = new DynamoDbStateStore(client, "state-big");
    // Random-looking ids compress poorly, like real snapshot ids.
    const deleted = Array.from({ length: 50_000 }, (_, i) => `snap-${(BigInt(i) * 0x9e3779b97f4a7c15n % 2n ** 68n).toString(16).padStart(17, "0")}`);
    expect(JSON.stringify(deleted).length).toBeGreaterThan(1_000_000);
    const first = await store.claim("big#evt", "owner-1", 60_000);
    expect(first.status).toBe("claimed");
    await store.checkpoint("big#evt", "owner-1", 0, { status: "ok", output: { deleted, kept: 3 } });
    await store.release("big#evt", "owner-1", "step 1 failed");
    const retry = await store.claim("big#evt", "owner-2", 60_000);
    expect(retry.status === "claimed" && retry.checkpoints.get(0)).toEqual({ status: "ok", output: { deleted, kept: 3 } });
  });
});
