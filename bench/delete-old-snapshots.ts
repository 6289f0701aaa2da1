import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  EC2Client,
  paginateDescribeImages,
  paginateDescribeSnapshots,
} from "@aws-sdk/client-ec2";
import deleteOldSnapshots, { DELETE_CONCURRENCY } from "../actions/delete-old-snapshots.ts";
import { forEachBounded } from "../engine/concurrency.ts";
import { createClients } from "../engine/clients.ts";
import { assembleActionContext } from "../engine/run-context.ts";
import { emulatorEnv, startMoto } from "../emulator/moto-server.ts";

const OLD = 1_000;
const NEW = 1_000;
const VOLUMES = 50;
const TARGET_RATIO = 1.3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DAY = 86_400_000;
const MANAGED = [{ Key: "caretaker:managed", Value: "true" }];

/**
 * 1,000 managed snapshots, then (in a later second, as the emulator keeps whole seconds)
 * 1,000 more. Returns the instant between the two batches: with `$now` one day after it and
 * `older-than: 1d`, exactly the first batch is old.
 */
async function buildWorld(ec2: EC2Client): Promise<number> {
  const volumes: string[] = [];
  await forEachBounded(Array.from({ length: VOLUMES }), DELETE_CONCURRENCY, async () => {
    volumes.push((await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }))).VolumeId!);
  });
  const batch = (count: number) =>
    forEachBounded(Array.from({ length: count }, (_, i) => volumes[i % VOLUMES]!), DELETE_CONCURRENCY, async (volumeId) => {
      await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId, TagSpecifications: [{ ResourceType: "snapshot", Tags: MANAGED }] }));
    });
  await batch(OLD);
  const boundary = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  await new Promise((r) => setTimeout(r, boundary - Date.now() + 50));
  await batch(NEW);
  return boundary;
}

async function timeAction(boundary: number): Promise<number> {
  const ctx = assembleActionContext({
    clients: createClients(),
    policy: { name: "bench", version: "000000000000" },
    event: { id: "bench", time: new Date(boundary + DAY).toISOString() },
    maxResources: OLD,
  });
  const started = performance.now();
  const out = (await deleteOldSnapshots.run({ "older-than": "1d", tags: { "caretaker:managed": "true" }, "keep-latest": 0 } as never, ctx)) as {
    deleted: string[];
    kept: number;
  };
  const elapsed = performance.now() - started;
  if (out.deleted.length !== OLD || out.kept !== NEW) throw new Error(`action deleted ${out.deleted.length}, kept ${out.kept}`);
  return elapsed;
}

/** The same calls an engineer would write by hand: both listings, then the deletes, 8 at a time. */
async function timeBareLoop(boundary: number): Promise<number> {
  const ec2 = new EC2Client({});
  const started = performance.now();
  const inUse = new Set<string>();
  for await (const page of paginateDescribeImages({ client: ec2, pageSize: 1000 }, { Owners: ["self"] })) {
    for (const image of page.Images ?? []) for (const m of image.BlockDeviceMappings ?? []) if (m.Ebs?.SnapshotId) inUse.add(m.Ebs.SnapshotId);
  }
  const ids: string[] = [];
  const input = { OwnerIds: ["self"], Filters: [{ Name: "tag:caretaker:managed", Values: ["true"] }] };
  for await (const page of paginateDescribeSnapshots({ client: ec2, pageSize: 1000 }, input)) {
    for (const s of page.Snapshots ?? []) if (s.StartTime && s.StartTime.getTime() < boundary && !inUse.has(s.SnapshotId!)) ids.push(s.SnapshotId!);
  }
  await forEachBounded(ids, DELETE_CONCURRENCY, async (id) => {
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: id }));
  });
  const elapsed = performance.now() - started;
  if (ids.length !== OLD) throw new Error(`bare loop deleted ${ids.length}`);
  return elapsed;
}

/**
 * One timing on a world built in a fresh emulator: moto slows down as it ages (even across
 * resets), so a shared process would favour whichever side runs first.
 */
async function measure(timed: (boundary: number) => Promise<number>): Promise<number> {
  const moto = await startMoto();
  Object.assign(process.env, emulatorEnv(moto.endpoint));
  const ec2 = new EC2Client({});
  try {
    return await timed(await buildWorld(ec2));
  } finally {
    ec2.destroy();
    await moto.stop();
  }
}

/**
 * delete-old-snapshots against a bare SDK loop making the same Describe and Delete calls at
 * the same concurrency, each on its own fresh emulator; best of BENCH_ROUNDS (default 2).
 */
export default async function bench(): Promise<boolean> {
  const action: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first so neither always runs on a warmer machine.
    if (round % 2 === 0) {
      bare.push(await measure(timeBareLoop));
      action.push(await measure(timeAction));
    } else {
      action.push(await measure(timeAction));
      bare.push(await measure(timeBareLoop));
    }
  }
  const bestAction = Math.min(...action);
  const bestBare = Math.min(...bare);
  const ratio = bestAction / bestBare;
  const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(", ");
  console.log(`delete-old-snapshots: ${OLD} old of ${OLD + NEW} snapshots, ${DELETE_CONCURRENCY} deletes in flight, ${ROUNDS} rounds`);
  console.log(`  action     best ${bestAction.toFixed(0)} ms (rounds: ${ms(action)})`);
  console.log(`  bare SDK   best ${bestBare.toFixed(0)} ms (rounds: ${ms(bare)})`);
  console.log(`  ratio ${ratio.toFixed(2)}x, target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "PASS" : "FAIL"}`);
  return ratio <= TARGET_RATIO;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bench();
}
