import { DeleteSnapshotCommand, paginateDescribeImages, type EC2Client, type Snapshot } from "@aws-sdk/client-ec2";
import { defineAction, type PermissionGrant } from "../engine/action-contract.ts";
import { DURATION_PATTERN, parseDuration } from "../engine/duration.ts";
import { CaretakerError } from "../engine/errors.ts";
import { forEachBounded } from "../engine/concurrency.ts";
import { retryThrottled } from "./lib/ec2-throttle.ts";
import { awsErrorCode, describeOwnSnapshots, EC2_PAGE_SIZE, ec2Arn, tagFilters } from "./lib/ec2-snapshots.ts";

/** Why a matching old snapshot was left alone. */
export const DeleteSkip = {
  inUse: "in-use",
} as const;
export type DeleteSkip = (typeof DeleteSkip)[keyof typeof DeleteSkip];

export const DEFAULT_SELECTOR_TAGS: Readonly<Record<string, string>> = { "caretaker:managed": "true" };

// Deletes in flight at once: fast enough for tens of thousands, gentle on EC2's write throttling.
export const DELETE_CONCURRENCY = 8;

/**
 * Ids of every snapshot behind one of this account's AMIs. Deleting one would fail
 * (InvalidSnapshot.InUse) and, worse, is never what a retention job means.
 */
export async function loadAmiSnapshotIds(ec2: EC2Client): Promise<Set<string>> {
  const ids = new Set<string>();
  const input = { Owners: ["self"], IncludeDeprecated: true, IncludeDisabled: true };
  for await (const page of paginateDescribeImages({ client: ec2, pageSize: EC2_PAGE_SIZE }, input)) {
    for (const image of page.Images ?? []) {
      for (const mapping of image.BlockDeviceMappings ?? []) {
        if (mapping.Ebs?.SnapshotId) ids.add(mapping.Ebs.SnapshotId);
      }
    }
  }
  return ids;
}

/** What retention decided, before anything is deleted. */
export interface RetentionPlan {
  /** Old enough and not among the newest `keepLatest` of their volume, oldest pages first. */
  candidates: string[];
  /** Matching snapshots retention keeps: too new, or among the newest of their volume. */
  kept: number;
}

interface Dated {
  id: string;
  time: number;
}

// Newest first; ties broken by id so the plan does not depend on page order.
function newer(a: Dated, b: Dated): boolean {
  return a.time > b.time || (a.time === b.time && a.id > b.id);
}

/**
 * Streams pages of matching snapshots into a retention plan. Holds only the ids it may
 * delete plus, with keep-latest, the newest `keepLatest` per volume, never whole pages.
 *
 * @example
 * await planRetention(describeOwnSnapshots(ec2, filters), Date.parse("2026-11-01T00:00:00Z"), 2);
 * // { candidates: ["snap-0a", ...], kept: 7 }
 */
export async function planRetention(pages: AsyncIterable<Snapshot[]>, cutoff: number, keepLatest: number): Promise<RetentionPlan> {
  let matched = 0;
  const old: Array<Dated & { volume: string }> = [];
  const newest = new Map<string, Dated[]>();
  for await (const page of pages) {
    for (const snapshot of page) {
      if (!snapshot.SnapshotId) continue;
      matched += 1;
      // A snapshot without a start time cannot be shown to be old; keep it.
      const time = snapshot.StartTime?.getTime() ?? Number.POSITIVE_INFINITY;
      const entry = { id: snapshot.SnapshotId, time };
      const volume = snapshot.VolumeId ?? "";
      if (time < cutoff) old.push({ ...entry, volume });
      if (keepLatest > 0) rememberNewest(newest, volume, entry, keepLatest);
    }
  }
  const protectedIds = new Set<string>();
  for (const list of newest.values()) for (const entry of list) protectedIds.add(entry.id);
  const candidates = old.filter((entry) => !protectedIds.has(entry.id)).map((entry) => entry.id);
  return { candidates, kept: matched - candidates.length };
}

function rememberNewest(newest: Map<string, Dated[]>, volume: string, entry: Dated, keep: number): void {
  let list = newest.get(volume);
  if (!list) newest.set(volume, (list = []));
  let at = list.length;
  while (at > 0 && newer(entry, list[at - 1]!)) at -= 1;
  if (at >= keep) return;
  list.splice(at, 0, entry);
  if (list.length > keep) list.pop();
}

function isTemplate(value: string): boolean {
  return value.includes("{%");
}

/**
 * DeleteSnapshot limited to snapshots carrying the selector tags. A tag whose value is a
 * template still has to be present (`StringLike *`); a selector known only at run time
 * falls back to the tag every Caretaker snapshot carries.
 */
function deletePermission(tags: Record<string, string> | undefined, snapshotArn: string): PermissionGrant {
  const equals: Record<string, string> = {};
  const like: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? DEFAULT_SELECTOR_TAGS)) {
    if (isTemplate(key)) continue;
    if (isTemplate(value)) like[`aws:ResourceTag/${key}`] = "*";
    else equals[`aws:ResourceTag/${key}`] = value;
  }
  if (Object.keys(equals).length + Object.keys(like).length === 0) {
    equals["aws:ResourceTag/caretaker:managed"] = "true";
  }
  const conditions: PermissionGrant["conditions"] = {};
  if (Object.keys(equals).length > 0) conditions.StringEquals = equals;
  if (Object.keys(like).length > 0) conditions.StringLike = like;
  return { actions: ["ec2:DeleteSnapshot"], resources: [snapshotArn], conditions };
}

export default defineAction({
  meta: {
    type: "delete-old-snapshots",
    description:
      "Deletes this account's EBS snapshots that carry all the given tags and started before $now minus older-than, keeping the newest per volume when asked and never one behind a registered AMI.",
    kind: "write",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["older-than"],
      properties: {
        "older-than": { type: "string", pattern: DURATION_PATTERN, description: "Age after which a snapshot is deleted, e.g. 30d." },
        tags: {
          type: "object",
          additionalProperties: { type: "string" },
          // An empty selector would match every snapshot of the account.
          minProperties: 1,
          default: { "caretaker:managed": "true" },
          description: "Only snapshots carrying all these tags are considered.",
        },
        "keep-latest": { type: "integer", minimum: 0, default: 0, description: "Newest matching snapshots kept per volume, whatever their age." },
      },
    } as const,
    permissions: (params, ctx) => [
      { actions: ["ec2:DescribeSnapshots", "ec2:DescribeImages"], resources: ["*"] },
      deletePermission(params.tags, ec2Arn(ctx, "snapshot")),
    ],
    example: { "older-than": "30d", tags: { "caretaker:managed": "true" }, "keep-latest": 1 },
  },
  async run(params, ctx) {
    const ec2 = ctx.clients.ec2;
    const selector = params.tags ?? DEFAULT_SELECTOR_TAGS;
    if (Object.keys(selector).length === 0) throw new CaretakerError("delete-old-snapshots needs at least one tag to select snapshots by");
    const cutoff = ctx.now.getTime() - parseDuration(params["older-than"]);

    const inUse = await loadAmiSnapshotIds(ec2);
    const plan = await planRetention(describeOwnSnapshots(ec2, tagFilters(selector)), cutoff, params["keep-latest"] ?? 0);
    const skipped: Array<{ snapshotId: string; reason: DeleteSkip }> = [];
    const toDelete: string[] = [];
    for (const id of plan.candidates) {
      if (inUse.has(id)) skipped.push({ snapshotId: id, reason: DeleteSkip.inUse });
      else toDelete.push(id);
    }
    ctx.assertWithinLimit(toDelete.length, "snapshots");

    const deleted = new Array<boolean>(toDelete.length).fill(false);
    let done = 0;
    ctx.progress(0, toDelete.length, "snapshots deleted");
    try {
      await forEachBounded(toDelete, DELETE_CONCURRENCY, async (id, index) => {
        try {
          await retryThrottled(() => ec2.send(new DeleteSnapshotCommand({ SnapshotId: id })));
          deleted[index] = true;
        } catch (error) {
          const code = awsErrorCode(error);
          // Gone already (an earlier attempt of this run, or someone else): the goal is met.
          if (code === "InvalidSnapshot.NotFound") deleted[index] = true;
          // Registered as an AMI after we listed the AMIs.
          else if (code === "InvalidSnapshot.InUse") skipped.push({ snapshotId: id, reason: DeleteSkip.inUse });
          else throw error;
        }
        done += 1;
        ctx.progress(done, toDelete.length, "snapshots deleted");
      });
    } catch (error) {
      const count = deleted.filter(Boolean).length;
      throw new CaretakerError(`deleting snapshots failed after ${count} of ${toDelete.length} were deleted: ${(error as Error).message}`, { cause: error });
    }
    return { deleted: toDelete.filter((_, i) => deleted[i]), kept: plan.kept, skipped };
  },
});
