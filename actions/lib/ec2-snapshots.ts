import { paginateDescribeSnapshots, type DescribeSnapshotsCommandInput, type EC2Client, type Filter, type Snapshot, type Tag } from "@aws-sdk/client-ec2";
import type { PermissionContext } from "../../engine/action-contract.ts";

/** The largest page EC2's Describe* calls return; fewer round trips for big accounts. */
export const EC2_PAGE_SIZE = 1000;

/**
 * Every snapshot owned by this account that matches `filters`, page by page.
 * Yields one page at a time so callers keep only what they extract from it.
 *
 * @example
 * for await (const page of describeOwnSnapshots(ec2, tagFilters({ "caretaker:managed": "true" }))) {
 *   for (const s of page) ids.push(s.SnapshotId!);
 * }
 */
export async function* describeOwnSnapshots(client: EC2Client, filters: Filter[]): AsyncGenerator<Snapshot[]> {
  const input: DescribeSnapshotsCommandInput = { OwnerIds: ["self"], Filters: filters };
  for await (const page of paginateDescribeSnapshots({ client, pageSize: EC2_PAGE_SIZE }, input)) {
    yield page.Snapshots ?? [];
  }
}

/**
 * One `tag:KEY` filter per tag: EC2 ANDs filters, so a snapshot must carry every tag.
 *
 * @example
 * tagFilters({ team: "ops" }); // [{ Name: "tag:team", Values: ["ops"] }]
 */
export function tagFilters(tags: Record<string, string>): Filter[] {
  return Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

/**
 * EC2's tag list from a plain map; later maps win, so pass the caretaker tags last.
 *
 * @example
 * toEc2Tags({ team: "ops" }, { "caretaker:managed": "true" });
 */
export function toEc2Tags(...maps: Array<Record<string, string> | undefined>): Tag[] {
  const merged: Record<string, string> = Object.assign({}, ...maps);
  return Object.entries(merged).map(([Key, Value]) => ({ Key, Value }));
}

/** A plain map from EC2's tag list. */
export function fromEc2Tags(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  return out;
}

/**
 * IAM ARN patterns for EC2 resources. Snapshots have no account in their ARN (they can be
 * shared across accounts); volumes do.
 *
 * @example
 * ec2Arn({ partition: "aws", region: "us-east-1", account: "123456789012" }, "snapshot");
 * // "arn:aws:ec2:us-east-1::snapshot/*"
 */
export function ec2Arn(ctx: PermissionContext, resource: "snapshot" | "volume"): string {
  const account = resource === "snapshot" ? "" : ctx.account;
  return `arn:${ctx.partition}:ec2:${ctx.region}:${account}:${resource}/*`;
}

/** The AWS error code of a failed SDK call (`InvalidSnapshot.NotFound`, ...), if it is one. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error && typeof error === "object" && "name" in error && "$metadata" in error) return String(error.name);
  return undefined;
}
