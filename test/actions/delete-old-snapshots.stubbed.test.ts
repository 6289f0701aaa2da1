/**
 * delete-old-snapshots against a scripted EC2 endpoint. Stubbed on purpose, only for what
 * the emulator cannot show: moto's DescribeSnapshots and DescribeImages ignore MaxResults
 * and NextToken (so paging is invisible), it never throttles, and it cannot hold a delete
 * in flight. The stub sits at the HTTP layer, so the SDK's own paginator, XML parsing and
 * retry strategy run for real.
 */
import { describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse } from "@smithy/types";
import deleteOldSnapshots from "../../actions/delete-old-snapshots.ts";
import type { ActionContext } from "../../engine/action-contract.ts";
import { CaretakerError } from "../../engine/errors.ts";
import { testContext } from "../support/action-context.ts";

const NOW = "2026-06-01T00:00:00.000Z";
const OLD = "2026-01-01T00:00:00.000Z";

interface FakeSnapshot {
  id: string;
  volume: string;
  start: string;
}

type Output = {
  deleted: string[];
  kept: number;
  skipped: Array<{ snapshotId: string; reason: string }>;
};

type Reply = { status: number; xml: string };
type DeleteScript = (id: string, attempt: number) => Reply | undefined | Promise<Reply | undefined>;

const ok = (xml: string): Reply => ({ status: 200, xml });
const awsError = (status: number, code: string): Reply => ({
  status,
  xml: `<Response><Errors><Error><Code>${code}</Code><Message>${code}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
});

function snapshotXml(s: FakeSnapshot): string {
  return `<item><snapshotId>${s.id}</snapshotId><volumeId>${s.volume}</volumeId><startTime>${s.start}</startTime><status>completed</status><ownerId>123456789012</ownerId><tagSet><item><key>caretaker:managed</key><value>true</value></item></tagSet></item>`;
}

function imageXml(imageId: string, snapshotId: string): string {
  return `<item><imageId>${imageId}</imageId><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><snapshotId>${snapshotId}</snapshotId></ebs></item></blockDeviceMapping></item>`;
}

/** Splits `items` into pages of `size`; the token is the index of the next page. */
function page<T>(items: T[], size: number, token: string | null): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

/** A fake EC2 that pages with its own page size, whatever MaxResults says, as EC2 may. */
function fakeEc2(world: { snapshots: FakeSnapshot[]; amiSnapshots?: string[]; pageSize?: number; onDelete?: DeleteScript }) {
  const requests: URLSearchParams[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  async function answer(form: URLSearchParams): Promise<Reply> {
    const size = world.pageSize ?? 1000;
    switch (form.get("Action")) {
      case "DescribeSnapshots": {
        const p = page(world.snapshots, size, form.get("NextToken"));
        const next = p.next ? `<nextToken>${p.next}</nextToken>` : "";
        return ok(`<DescribeSnapshotsResponse><requestId>r</requestId><snapshotSet>${p.items.map(snapshotXml).join("")}</snapshotSet>${next}</DescribeSnapshotsResponse>`);
      }
      case "DescribeImages": {
        const images = (world.amiSnapshots ?? []).map((snap, i) => imageXml(`ami-${i}`, snap));
        const p = page(images, size, form.get("NextToken"));
        const next = p.next ? `<nextToken>${p.next}</nextToken>` : "";
        return ok(`<DescribeImagesResponse><requestId>r</requestId><imagesSet>${p.items.join("")}</imagesSet>${next}</DescribeImagesResponse>`);
      }
      case "DeleteSnapshot": {
        const id = form.get("SnapshotId")!;
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return (await world.onDelete?.(id, attempt)) ?? ok(`<DeleteSnapshotResponse><requestId>r</requestId><return>true</return></DeleteSnapshotResponse>`);
        } finally {
          inFlight -= 1;
        }
      }
      default:
        return awsError(400, "InvalidAction");
    }
  }
  const requestHandler = {
    async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
      const form = new URLSearchParams(String(request.body));
      requests.push(form);
      const reply = await answer(form);
      const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${reply.xml}`);
      return { response: { statusCode: reply.status, headers: { "content-type": "text/xml" }, body } as HttpResponse };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return {
    requestHandler,
    requests,
    attempts,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

function contextFor(fake: ReturnType<typeof fakeEc2>, maxResources?: number, maxAttempts?: number): ActionContext {
  return testContext({ time: NOW, maxResources, clientOptions: { maxAttempts, config: { requestHandler: fake.requestHandler } } });
}

function run(params: Record<string, unknown>, ctx: ActionContext): Promise<Output> {
  return deleteOldSnapshots.run(params as never, ctx) as Promise<Output>;
}

function snapshots(count: number, start = OLD, prefix = "snap-o"): FakeSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${String(i).padStart(6, "0")}`, volume: `vol-${i % 7}`, start }));
}

describe("delete-old-snapshots with a scripted EC2", () => {
  it("reads every page of snapshots and AMIs, asking for the largest pages", async () => {
    const old = snapshots(2_300);
    const fresh = snapshots(400, "2026-05-31T00:00:00.000Z", "snap-n");
    const behindAmi = old[2_250]!.id;
    const fake = fakeEc2({ snapshots: [...old, ...fresh], amiSnapshots: ["snap-elsewhere", "snap-other", behindAmi], pageSize: 1000 });
    const out = await run({ "older-than": "30d" }, contextFor(fake, 10_000));

    const describes = fake.requests.filter((r) => r.get("Action") === "DescribeSnapshots");
    expect(describes.map((r) => [r.get("MaxResults"), r.get("NextToken")])).toEqual([
      ["1000", null],
      ["1000", "1000"],
      ["1000", "2000"],
    ]);
    expect(describes[0]!.get("Owner.1")).toBe("self");
    expect(describes[0]!.get("Filter.1.Name")).toBe("tag:caretaker:managed");
    // The AMI-backed snapshot sits on the last page: found only if every page was read.
    expect(out.skipped).toEqual([{ snapshotId: behindAmi, reason: "in-use" }]);
    expect(out.deleted).toHaveLength(2_299);
    expect(new Set(out.deleted).has(behindAmi)).toBe(false);
    expect(out.kept).toBe(400);
  });

  it("follows DescribeImages pages to find every AMI-backed snapshot", async () => {
    const old = snapshots(12);
    const fake = fakeEc2({ snapshots: old, amiSnapshots: ["snap-x1", "snap-x2", "snap-x3", "snap-x4", "snap-x5", old[11]!.id], pageSize: 5 });
    const out = await run({ "older-than": "30d" }, contextFor(fake));
    expect(fake.requests.filter((r) => r.get("Action") === "DescribeImages").map((r) => r.get("NextToken"))).toEqual([null, "5"]);
    expect(out.skipped).toEqual([{ snapshotId: old[11]!.id, reason: "in-use" }]);
    expect(out.deleted).toHaveLength(11);
  });

  it("counts a snapshot that is already gone as deleted", async () => {
    const old = snapshots(3);
    const fake = fakeEc2({ snapshots: old, onDelete: (id) => (id === old[1]!.id ? awsError(400, "InvalidSnapshot.NotFound") : undefined) });
    const out = await run({ "older-than": "30d" }, contextFor(fake));
    expect(out).toEqual({ deleted: old.map((s) => s.id), kept: 0, skipped: [] });
  });

  it("skips a snapshot that became an AMI's after the AMIs were listed", async () => {
    const old = snapshots(2);
    const fake = fakeEc2({ snapshots: old, onDelete: (id) => (id === old[0]!.id ? awsError(400, "InvalidSnapshot.InUse") : undefined) });
    const out = await run({ "older-than": "30d" }, contextFor(fake));
    expect(out).toEqual({ deleted: [old[1]!.id], kept: 0, skipped: [{ snapshotId: old[0]!.id, reason: "in-use" }] });
  });

  it("retries a throttled delete with backoff and succeeds", async () => {
    const old = snapshots(2);
    const throttled = old[0]!.id;
    const fake = fakeEc2({ snapshots: old, onDelete: (id, attempt) => (id === throttled && attempt === 1 ? awsError(503, "RequestLimitExceeded") : undefined) });
    const out = await run({ "older-than": "30d" }, contextFor(fake));
    expect(out.deleted).toEqual(old.map((s) => s.id));
    expect(fake.attempts.get(throttled)).toBe(2);
  });

  it("keeps backing off when throttling outlasts the SDK's retries", async () => {
    const old = snapshots(3);
    const throttled = old[1]!.id;
    const fake = fakeEc2({ snapshots: old, onDelete: (id, attempt) => (id === throttled && attempt <= 2 ? awsError(503, "RequestLimitExceeded") : undefined) });
    // One SDK attempt per call: as if the SDK's shared retry quota had run dry.
    const out = await run({ "older-than": "30d" }, contextFor(fake, undefined, 1));
    expect(out.deleted).toEqual(old.map((s) => s.id));
    expect(fake.attempts.get(throttled)).toBe(3);
  });

  it("keeps at most 8 deletes in flight", async () => {
    const old = snapshots(60);
    const fake = fakeEc2({ snapshots: old, onDelete: async () => { await new Promise((r) => setTimeout(r, 5)); return undefined; } });
    const out = await run({ "older-than": "30d" }, contextFor(fake));
    expect(out.deleted).toHaveLength(60);
    expect(fake.maxInFlight).toBe(8);
  });

  it("stops starting deletes after an unexpected error and says how far it got", async () => {
    const old = snapshots(40);
    const fake = fakeEc2({
      snapshots: old,
      onDelete: async (id) => {
        await new Promise((r) => setTimeout(r, 2));
        return id === old[10]!.id ? awsError(403, "UnauthorizedOperation") : undefined;
      },
    });
    const error = await run({ "older-than": "30d" }, contextFor(fake)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaretakerError);
    expect((error as Error).message).toMatch(/failed after \d+ of 40 were deleted/);
    // Only the deletes already in flight when the error came back finish; the rest never start.
    expect(fake.attempts.size).toBeLessThan(10 + 1 + 8);
  });
});
