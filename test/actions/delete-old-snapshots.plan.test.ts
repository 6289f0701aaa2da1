import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Snapshot } from "@aws-sdk/client-ec2";
import { planRetention } from "../../actions/delete-old-snapshots.ts";

const CUTOFF = Date.parse("2026-05-01T00:00:00Z");
const day = (n: number) => new Date(CUTOFF + n * 86_400_000);

async function* pages(...lists: Snapshot[][]): AsyncGenerator<Snapshot[]> {
  yield* lists;
}

const snap = (id: string, volume: string, start: Date | undefined): Snapshot => ({ SnapshotId: id, VolumeId: volume, StartTime: start });

describe("planRetention", () => {
  it("selects what started before the cutoff and counts the rest as kept", async () => {
    const plan = await planRetention(pages([snap("a", "v1", day(-2)), snap("b", "v1", day(1))], [snap("c", "v2", day(-1))]), CUTOFF, 0);
    expect(plan).toEqual({ candidates: ["a", "c"], kept: 1 });
  });

  it("keeps the newest per volume across pages, old or not", async () => {
    const plan = await planRetention(
      pages(
        [snap("v1-old", "v1", day(-9)), snap("v1-older", "v1", day(-10)), snap("v2-new", "v2", day(3))],
        [snap("v1-oldest", "v1", day(-20)), snap("v2-old", "v2", day(-5)), snap("v2-older", "v2", day(-6))],
      ),
      CUTOFF,
      2,
    );
    // v1: only old snapshots, the two newest stay. v2: the new one and the newest old one stay.
    expect(plan).toEqual({ candidates: ["v1-oldest", "v2-older"], kept: 4 });
  });

  it("breaks equal start times by id, so page order does not matter", async () => {
    const same = day(-3);
    const forward = await planRetention(pages([snap("snap-a", "v", same), snap("snap-b", "v", same)]), CUTOFF, 1);
    const backward = await planRetention(pages([snap("snap-b", "v", same)], [snap("snap-a", "v", same)]), CUTOFF, 1);
    expect(forward).toEqual({ candidates: ["snap-a"], kept: 1 });
    expect(backward).toEqual(forward);
  });

  it("never selects a snapshot without a start time", async () => {
    expect(await planRetention(pages([snap("x", "v", undefined)]), CUTOFF, 0)).toEqual({ candidates: [], kept: 1 });
  });

  it("keeps exactly min(keep-latest, count) per volume and deletes only old ones", async () => {
    const arbSnapshots = fc.uniqueArray(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), volume: fc.constantFrom("v1", "v2", "v3"), offset: fc.integer({ min: -5, max: 5 }) }),
      { selector: (s) => s.id, maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(arbSnapshots, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 7 }), async (list, keep, pageSize) => {
        const all = list.map((s) => snap(s.id, s.volume, day(s.offset)));
        const chunks: Snapshot[][] = [];
        for (let i = 0; i < all.length; i += pageSize) chunks.push(all.slice(i, i + pageSize));
        const plan = await planRetention(pages(...chunks), CUTOFF, keep);
        const chosen = new Set(plan.candidates);
        expect(plan.kept + plan.candidates.length).toBe(all.length);
        for (const volume of ["v1", "v2", "v3"]) {
          const mine = all.filter((s) => s.VolumeId === volume);
          const survivors = mine.filter((s) => !chosen.has(s.SnapshotId!));
          const everyOldOneGoes = mine.filter((s) => s.StartTime!.getTime() < CUTOFF).length;
          expect(survivors.length).toBe(Math.max(mine.length - everyOldOneGoes, Math.min(keep, mine.length)));
          for (const s of mine) if (chosen.has(s.SnapshotId!)) expect(s.StartTime!.getTime()).toBeLessThan(CUTOFF);
          // No survivor that is old is older than a deleted one of the same volume.
          const newestDeleted = Math.max(...mine.filter((s) => chosen.has(s.SnapshotId!)).map((s) => s.StartTime!.getTime()));
          for (const s of survivors) expect(s.StartTime!.getTime()).toBeGreaterThanOrEqual(newestDeleted);
        }
      }),
    );
  });
});
