import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { describeOwnSnapshots } from "../actions/lib/ec2-snapshots.ts";
import type { Clients } from "../engine/clients.ts";

/**
 * The ids of every snapshot this account owns, read from EC2 rather than from a step's
 * output, so the demo reports what really happened.
 *
 * @example
 * const before = await listSnapshotIds(clients);
 */
export async function listSnapshotIds(clients: Clients): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of describeOwnSnapshots(clients.ec2, [])) for (const s of page) if (s.SnapshotId) ids.add(s.SnapshotId);
  return ids;
}

/**
 * An archived JSON Lines object: its line count and first line.
 *
 * @example
 * const { lines, first } = await readArchive(clients, "caretaker-archive", "metrics/2026-01-01.jsonl");
 */
export async function readArchive(clients: Clients, bucket: string, key: string): Promise<{ lines: number; first: string | undefined; bytes: number }> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = (await object.Body?.transformToString("utf8")) ?? "";
  const lines = text.split("\n").filter((line) => line !== "");
  return { lines: lines.length, first: lines[0], bytes: Buffer.byteLength(text) };
}

/**
 * An Auto Scaling group's capacity bounds and desired capacity, as Auto Scaling reports them.
 *
 * @example
 * const { desired } = await groupCapacity(clients, "web-asg");
 */
export async function groupCapacity(clients: Clients, group: string): Promise<{ min: number; desired: number; max: number }> {
  const found = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
  const g = found.AutoScalingGroups?.[0];
  return { min: g?.MinSize ?? 0, desired: g?.DesiredCapacity ?? 0, max: g?.MaxSize ?? 0 };
}

/**
 * The state table the engine's exactly-once records live in, shaped like the deployed one (key `id`).
 *
 * @example
 * await createStateTable(clients, "caretaker-demo-state");
 */
export async function createStateTable(clients: Clients, table: string): Promise<void> {
  await clients.dynamodb.send(new CreateTableCommand({
    TableName: table, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
  await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 10, minDelay: 1 }, { TableName: table });
}

/**
 * How many rules on the default bus carry the prefix, as EventBridge lists them.
 *
 * @example
 * await countRules(clients, "caretaker-"); // 4 after syncing the example policies
 */
export async function countRules(clients: Clients, prefix: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await clients.eventBridge.send(new ListRulesCommand({ NamePrefix: prefix, NextToken: token }));
    count += page.Rules?.length ?? 0;
    token = page.NextToken;
  } while (token);
  return count;
}
