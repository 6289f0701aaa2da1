import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { sampleEvents, seedWorld, type World } from "../../emulator/world.ts";
import { runCli } from "../support/cli.ts";

let world: World;
let eventFile = "";
const ec2 = new EC2Client({});
const nightlyAt = new Date(Date.now() + 31 * 86_400_000);

async function snapshotCount(): Promise<number> {
  return (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }))).Snapshots?.length ?? 0;
}

beforeAll(async () => {
  world = await seedWorld({ nightlyAt });
  const dir = mkdtempSync(join(tmpdir(), "caretaker-run-"));
  eventFile = join(dir, "stop.json");
  writeFileSync(eventFile, JSON.stringify(sampleEvents.instanceStopped(world.optedIn.instanceId, new Date(), "cli-run-1")));
});

describe("caretaker run", () => {
  it("--dry-run --json prints the SPEC's object and changes nothing", async () => {
    const before = await snapshotCount();
    const { code, out } = await runCli(["run", "nightly-maintenance", "--at", nightlyAt.toISOString(), "--dry-run", "--json"], { env: { ...process.env, ...world.env } });
    expect(code).toBe(0);
    const result = JSON.parse(out.join("\n"));
    expect(result).toMatchObject({ policy: "nightly-maintenance", version: expect.stringMatching(/^[0-9a-f]{12}$/), dryRun: true, triggered: true });
    expect(result.steps.map((s: { index: number; type: string; id: string | null; status: string }) => [s.index, s.type, s.id, s.status])).toEqual([
      [0, "delete-old-snapshots", "cleanup", "ok"], [1, "archive-table", "archive", "ok"], [2, "notify", null, "ok"],
    ]);
    const deletes = result.calls.filter((c: { operation: string }) => c.operation === "DeleteSnapshot");
    expect(deletes.map((c: { step: number; service: string; input: { SnapshotId: string } }) => [c.step, c.service, c.input.SnapshotId]).sort()).toEqual(world.oldSnapshotIds.map((id) => [0, "EC2", id]).sort());
    expect(await snapshotCount()).toBe(before);
  });

  it("prints a readable plan, one line per call", async () => {
    const { code, out } = await runCli(["run", "auto-snapshot-on-stop", "--event", eventFile, "--dry-run"], { env: { ...process.env, ...world.env } });
    expect(code).toBe(0);
    const calls = out.filter((l) => l.trim().startsWith("would call"));
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatch(/would call EC2 CreateSnapshot VolumeId=vol-/);
  });

  it("a live run makes the calls and says state is in memory without a state table", async () => {
    const before = await snapshotCount();
    const env = { ...process.env, ...world.env };
    delete env.CARETAKER_STATE_TABLE;
    const { code, err } = await runCli(["run", "auto-snapshot-on-stop", "--event", eventFile], { env });
    expect(code).toBe(0);
    expect(err.some((l) => l.includes("CARETAKER_STATE_TABLE"))).toBe(true);
    expect(await snapshotCount()).toBe(before + 2);
  });

  it("usage errors exit 2; a missing policy names the ones there are", async () => {
    expect((await runCli(["run", "auto-snapshot-on-stop"])).code).toBe(2);
    expect((await runCli(["run", "auto-snapshot-on-stop", "--event", eventFile, "--at", "2026-01-01T00:00:00Z"])).code).toBe(2);
    const missing = await runCli(["run", "nope", "--at", "2026-01-01T00:00:00Z"]);
    expect(missing.code).toBe(2);
    expect(missing.err.join("\n")).toContain("nightly-maintenance");
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });
});
