import { describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import archiveTable from "../../actions/archive-table.ts";
import { ExpressionError } from "../../engine/errors.ts";
import { testContext } from "../support/action-context.ts";

describe("archive-table where", () => {
  it("is held to the engine's expression bounds: a where that never ends fails the step and writes nothing", async () => {
    const dynamodb = new DynamoDBClient({});
    const s3 = new S3Client({ forcePathStyle: true });
    await dynamodb.send(new CreateTableCommand({ TableName: "bounded", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }] }));
    await dynamodb.send(new PutItemCommand({ TableName: "bounded", Item: { pk: { S: "a" } } }));
    await s3.send(new CreateBucketCommand({ Bucket: "bounded-archive" }));
    const started = Date.now();
    const failure = await archiveTable
      .run({ table: "bounded", bucket: "bounded-archive", key: "x.jsonl", where: "($f := function($x){ $f($x) }; $f(1))" } as never, testContext())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExpressionError);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "bounded-archive" }))).Contents ?? []).toEqual([]);
  });
});
