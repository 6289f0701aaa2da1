import { describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";
import { MemoryStateStore } from "../../engine/state/memory-store.ts";
import type { StateStore } from "../../engine/state/store.ts";

async function dynamoStore(): Promise<StateStore> {
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand({
    TableName: "state-remember", BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
  return new DynamoDbStateStore(client, "state-remember");
}

describe.each([["memory", async () => new MemoryStateStore()], ["dynamodb (moto)", dynamoStore]] as const)("remember (%s)", (_name, make) => {
  it("keeps the first decision per run and step; retries get it back", async () => {
    const store = await make();
    expect(await store.remember("p#e1", 0, { previous: 2, desired: 4 })).toEqual({ previous: 2, desired: 4 });
    expect(await store.remember("p#e1", 0, { previous: 4, desired: 6 })).toEqual({ previous: 2, desired: 4 });
    expect(await store.remember("p#e1", 1, { previous: 4, desired: 6 })).toEqual({ previous: 4, desired: 6 });
    expect(await store.remember("p#e2", 0, { previous: 9, desired: 9 })).toEqual({ previous: 9, desired: 9 });
  });
});
