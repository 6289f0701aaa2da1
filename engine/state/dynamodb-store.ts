import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { InProgressError } from "../errors.ts";
import { decodeChunks, encodeChunks } from "./chunks.ts";
import { RECORD_TTL_SECONDS, type ClaimResult, type StateStore, type StepCheckpoint } from "./store.ts";

/**
 * Run records in DynamoDB (table key `id`, string; TTL attribute `expiresAt`).
 * The run item `<key>` holds the claim; each step's checkpoint is its own item `<key>#step#<n>`
 * (gzipped, with further parts `<key>#step#<n>#<part>` when large) so outputs never hit the
 * 400 KB item limit. The run item's summary holds statuses only, never outputs.
 */
export class DynamoDbStateStore implements StateStore {
  readonly kind = "dynamodb" as const;
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private expiresAt(): number {
    return Math.floor(Date.now() / 1000) + RECORD_TTL_SECONDS;
  }

  async claim(key: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const now = Date.now();
    try {
      const result = await this.client.send(new UpdateItemCommand({
        TableName: this.table,
        Key: marshall({ id: key }),
        UpdateExpression: "SET #status = :running, #owner = :owner, leaseUntil = :lease, expiresAt = :ttl ADD attempt :one",
        ConditionExpression: "attribute_not_exists(id) OR #status = :failed OR (#status = :running AND leaseUntil < :now)",
        ExpressionAttributeNames: { "#status": "status", "#owner": "owner" },
        ExpressionAttributeValues: marshall({ ":running": "in-progress", ":failed": "failed", ":owner": owner, ":lease": now + leaseMs, ":now": now, ":ttl": this.expiresAt(), ":one": 1 }),
        ReturnValues: "ALL_NEW",
      }));
      const attempt = Number(unmarshall(result.Attributes ?? {}).attempt ?? 1);
      return { status: "claimed", attempt, checkpoints: attempt > 1 ? await this.loadCheckpoints(key) : new Map() };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = await this.load(key);
      // Our own earlier attempt of this call was applied and its answer lost: the SDK's retry then fails the condition.
      if (item.status === "in-progress" && item.owner === owner) {
        const attempt = Number(item.attempt ?? 1);
        return { status: "claimed", attempt, checkpoints: attempt > 1 ? await this.loadCheckpoints(key) : new Map() };
      }
      if (item.status === "completed") return { status: "completed", summary: item.summary ? JSON.parse(String(item.summary)) : undefined };
      return { status: "in-progress", leaseUntil: Number(item.leaseUntil ?? 0) };
    }
  }

  private async load(key: string): Promise<Record<string, unknown>> {
    const current = await this.client.send(new GetItemCommand({ TableName: this.table, Key: marshall({ id: key }), ConsistentRead: true }));
    return unmarshall(current.Item ?? {});
  }

  private async loadCheckpoints(key: string): Promise<Map<number, StepCheckpoint>> {
    const checkpoints = new Map<number, StepCheckpoint>();
    // Steps run in order and a checkpoint exists for each finished one: read until the first gap.
    for (let step = 0; ; step++) {
      const result = await this.client.send(new GetItemCommand({ TableName: this.table, Key: marshall({ id: `${key}#step#${step}` }), ConsistentRead: true }));
      if (!result.Item) return checkpoints;
      const item = unmarshall(result.Item);
      const parts: Uint8Array[] = [item.data as Uint8Array];
      for (let part = 1; part < Number(item.parts ?? 1); part++) {
        const more = await this.client.send(new GetItemCommand({ TableName: this.table, Key: marshall({ id: `${key}#step#${step}#${part}` }), ConsistentRead: true }));
        if (!more.Item) throw new Error(`checkpoint ${key} step ${step} is missing part ${part}`);
        parts.push(unmarshall(more.Item).data as Uint8Array);
      }
      checkpoints.set(step, decodeChunks(parts) as StepCheckpoint);
    }
  }

  private ownerCondition(owner: string) {
    return {
      ConditionExpression: "#owner = :owner AND #status = :running",
      ExpressionAttributeNames: { "#owner": "owner", "#status": "status" },
      ExpressionAttributeValues: { ":owner": owner, ":running": "in-progress" },
    };
  }

  /** `reaches`: the status this update sets, if any, to recognise it as already applied by a lost-answer attempt. */
  private async updateOwned(key: string, owner: string, update: string, values: Record<string, unknown>, names: Record<string, string> = {}, reaches?: string): Promise<void> {
    const condition = this.ownerCondition(owner);
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.table,
        Key: marshall({ id: key }),
        UpdateExpression: update,
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, ...names },
        ExpressionAttributeValues: marshall({ ...condition.ExpressionAttributeValues, ...values }, { removeUndefinedValues: true }),
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (reaches !== undefined) {
        const item = await this.load(key);
        if (item.owner === owner && item.status === reaches) return;
      }
      throw new InProgressError(`the claim on ${key} was lost to another invocation`, { cause: error });
    }
  }

  async checkpoint(key: string, owner: string, step: number, checkpoint: StepCheckpoint): Promise<void> {
    // Confirm the claim is still ours before recording: a run that lost its claim must stop here.
    await this.updateOwned(key, owner, "SET expiresAt = :ttl", { ":ttl": this.expiresAt() });
    const parts = encodeChunks(checkpoint);
    // Extra parts first: the head item's existence is what says the checkpoint is whole.
    for (let part = 1; part < parts.length; part++) {
      await this.client.send(new PutItemCommand({ TableName: this.table, Item: marshall({ id: `${key}#step#${step}#${part}`, data: parts[part], expiresAt: this.expiresAt() }) }));
    }
    await this.client.send(new PutItemCommand({
      TableName: this.table,
      Item: marshall({ id: `${key}#step#${step}`, data: parts[0], parts: parts.length, expiresAt: this.expiresAt() }),
    }));
  }

  async remember<T>(key: string, step: number, value: T): Promise<T> {
    const id = `${key}#decision#${step}`;
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.table,
        Item: marshall({ id, value: JSON.stringify(value), expiresAt: this.expiresAt() }),
        ConditionExpression: "attribute_not_exists(id)",
      }));
      return value;
    } catch (error) {
      // Already decided by an earlier attempt (or by this one, its answer lost): that decision stands.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = await this.load(id);
      return JSON.parse(String(item.value)) as T;
    }
  }

  async complete(key: string, owner: string, summary: unknown): Promise<void> {
    await this.updateOwned(key, owner, "SET #status = :done, summary = :summary", { ":done": "completed", ":summary": JSON.stringify(summary) }, {}, "completed");
  }

  async release(key: string, owner: string, error: string): Promise<void> {
    await this.updateOwned(key, owner, "SET #status = :failed, lastError = :error", { ":failed": "failed", ":error": error.slice(0, 1000) }, {}, "failed");
  }
}
