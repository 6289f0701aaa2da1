import { pathToFileURL } from "node:url";
import { createRouter, matchesPattern, type EventPattern } from "../engine/pattern/index.ts";
import { CompiledSet } from "../engine/pattern/match.ts";
import { seededRandom as rng } from "../test/support/random.ts";


const EC2_STATES = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];
const ALARM_STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"];
const TEAMS = Array.from({ length: 120 }, (_, i) => `team-${i}`);
const APP_EVENTS = ["OrderPlaced", "OrderShipped", "PaymentFailed", "UserSignedUp", "InvoiceIssued", "CartAbandoned"];
const INSTANCES = Array.from({ length: 3000 }, (_, i) => `i-${(0x0a00000 + i * 7919).toString(16).padStart(17, "0")}`);
const BUCKETS = Array.from({ length: 400 }, (_, i) => `acme-data-${i}`);

type Gen = () => number;
const pick = <T>(r: Gen, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const some = <T>(r: Gen, xs: readonly T[], max: number): T[] => {
  const n = 1 + Math.floor(r() * max);
  return [...new Set(Array.from({ length: n }, () => pick(r, xs)))];
};

/** Policies the way an ops team writes them: AWS service events, alarms, and custom app events. */
function makePattern(r: Gen): EventPattern {
  const kind = r();
  if (kind < 0.25) {
    const detail: Record<string, unknown> = { state: some(r, EC2_STATES, 2) };
    // Most state-change policies target a fleet of instances; a few watch every instance.
    if (r() < 0.9) detail["instance-id"] = some(r, INSTANCES, 3);
    return { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail };
  }
  if (kind < 0.45) {
    const team = pick(r, TEAMS);
    return {
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      detail: {
        alarmName: r() < 0.5 ? [`${team}-high-cpu`, `${team}-disk-full`] : [{ prefix: `${team}-` }],
        state: { value: [pick(r, ALARM_STATES)] },
        ...(r() < 0.3 ? { previousState: { value: [{ "anything-but": "OK" }] } } : {}),
      },
    };
  }
  if (kind < 0.6) {
    return {
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: {
        bucket: { name: [pick(r, BUCKETS)] },
        object: { key: [r() < 0.5 ? { suffix: ".png" } : { prefix: "incoming/" }], size: [{ numeric: [">", 1024 * Math.floor(r() * 100)] }] },
      },
    };
  }
  if (kind < 0.95) {
    const team = pick(r, TEAMS);
    const pattern: EventPattern = {
      source: [`com.acme.${team}`],
      "detail-type": some(r, APP_EVENTS, 2),
      detail: {
        amount: [{ numeric: [">=", Math.floor(r() * 500), "<", 1000 + Math.floor(r() * 5000)] }],
        env: [{ "anything-but": ["test", "dev"] }],
      },
    };
    if (r() < 0.2) pattern["$or"] = [{ detail: { priority: ["high"] } }, { detail: { vip: [true] } }];
    return pattern;
  }
  // A few broad policies without a selective exact field, e.g. one per division watching errors.
  const division = pick(r, ["com.acme.team-1", "com.acme.team-2", "com.acme.", "com.acme.team-3"]);
  return r() < 0.5
    ? { source: [{ prefix: division }], detail: { "error-code": [{ exists: true }], env: [pick(r, ["prod", "staging"])] } }
    : { source: [{ prefix: division }], detail: { amount: [{ numeric: [">", 50 + Math.floor(r() * 10)] }], priority: ["high"] } };
}

function makeEvent(r: Gen, i: number): Record<string, unknown> {
  const base = { version: "0", id: `evt-${i}`, account: "123456789012", time: "2026-12-03T02:00:00Z", region: "us-east-1" };
  const kind = r();
  if (kind < 0.25) {
    const instance = pick(r, INSTANCES);
    return {
      ...base, source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification",
      resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instance}`],
      detail: { "instance-id": instance, state: pick(r, EC2_STATES) },
    };
  }
  if (kind < 0.45) {
    const team = pick(r, TEAMS);
    return {
      ...base, source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", resources: [],
      detail: {
        alarmName: `${team}-${pick(r, ["high-cpu", "disk-full", "latency"])}`,
        state: { value: pick(r, ALARM_STATES), reason: "Threshold Crossed" },
        previousState: { value: pick(r, ALARM_STATES) },
        configuration: { metrics: [{ id: "m1", metricStat: { metric: { namespace: "AWS/EC2", name: "CPUUtilization" } } }] },
      },
    };
  }
  if (kind < 0.6) {
    return {
      ...base, source: "aws.s3", "detail-type": "Object Created", resources: [],
      detail: {
        bucket: { name: pick(r, BUCKETS) },
        object: { key: `${pick(r, ["incoming/", "archive/", ""])}file-${i}${pick(r, [".png", ".json", ".csv"])}`, size: Math.floor(r() * 200_000) },
      },
    };
  }
  const team = pick(r, TEAMS);
  return {
    ...base, source: `com.acme.${team}`, "detail-type": pick(r, APP_EVENTS), resources: [],
    detail: {
      amount: Math.floor(r() * 6000) / 100, env: pick(r, ["prod", "prod", "test", "dev"]),
      priority: pick(r, ["low", "high"]), vip: r() < 0.1, items: [{ sku: "a-1", qty: 2 }, { sku: "b-7", qty: 1 }],
      ...(r() < 0.05 ? { "error-code": "E42" } : {}),
    },
  };
}

/**
 * The benchmark's deterministic workload: `patterns` policies and `events` events.
 *
 * @example
 * const { patterns, events } = workload(100, 1000);
 */
export function workload(patterns: number, events: number): { patterns: EventPattern[]; events: Record<string, unknown>[] } {
  const r = rng(20261203);
  const ps = Array.from({ length: patterns }, () => makePattern(r));
  const es = Array.from({ length: events }, (_, i) => makeEvent(r, i));
  return { patterns: ps, events: es };
}

/** CPU milliseconds this process has used; unlike wall time it ignores other processes on a busy host. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Events per CPU-second of `run` over `events`, repeated until `minMs` of CPU time. */
function throughput(run: (event: Record<string, unknown>) => number, events: Record<string, unknown>[], minMs: number): number {
  let processed = 0;
  let sink = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    for (const e of events) sink += run(e);
    processed += events.length;
    elapsed = cpuMs() - start;
  } while (elapsed < minMs);
  if (sink < 0) console.log(sink);
  return (processed / elapsed) * 1000;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/**
 * Measures events/second of the pattern router at 10, 100 and 1,000 policies against the
 * naive loop (every policy's compiled predicate tried in turn) in the same run, and checks the targets:
 * ≥200,000 events/s and ≥10x naive at 1,000 policies, and at most 3x slower than at 10.
 *
 * @example
 * await bench(); // prints one line per size, the ratios and a PASS/FAIL per target
 */
export default async function bench(): Promise<boolean> {
  const { patterns: allPatterns, events } = workload(1000, 4000);
  // The naive loop is slow at 1,000 policies, so it is timed and cross-checked on a sample.
  const sample = events.slice(0, 400);
  const sizes = [10, 100, 1000];
  const setups = sizes.map((size) => {
    const patterns: Record<string, EventPattern> = {};
    allPatterns.slice(0, size).forEach((p, i) => (patterns[`policy-${i}`] = p));
    const ids = Object.keys(patterns);
    const router = createRouter(patterns);
    // The naive loop gets the same compiled predicates, one per pattern, and tries them all.
    const singles = ids.map((id) => {
      const one = new CompiledSet();
      const index = one.add(patterns[id]);
      return (e: Record<string, unknown>): boolean => one.matches(index, one.load(e));
    });
    const naive = (e: Record<string, unknown>): number => {
      let n = 0;
      for (const matches of singles) if (matches(e)) n++;
      return n;
    };
    let matches = 0;
    for (const e of events) matches += router.match(e).length;
    for (const e of sample) {
      if (router.match(e).join() !== ids.filter((id) => matchesPattern(patterns[id], e)).join()) {
        throw new Error(`router and naive loop disagree at ${size} policies`);
      }
    }
    return { size, router, naive, matches, routerRate: 0, naiveRate: 0 };
  });

  // Shared hosts make single timings noisy, so sizes are timed in interleaved rounds and
  // each keeps its best round: the closest estimate of its cost with the CPU to itself.
  for (let round = 0; round < 5; round++) {
    for (const s of setups) {
      s.routerRate = Math.max(s.routerRate, throughput((e) => s.router.match(e).length, events, 400));
      if (round < 2) s.naiveRate = Math.max(s.naiveRate, throughput(s.naive, sample, 300));
    }
  }

  console.log("pattern router: events per CPU-second, best of 5 interleaved rounds");
  console.log("  (deterministic mixed workload, 4,000 distinct events; naive = every policy's compiled");
  console.log("   predicate tried in turn, timed on 400 of the events; results cross-checked with matchesPattern)");
  for (const s of setups) {
    console.log(
      `  ${String(s.size).padStart(5)} policies: router ${fmt(s.routerRate).padStart(10)} ev/s   naive ${fmt(s.naiveRate).padStart(10)} ev/s   ratio ${(s.routerRate / s.naiveRate).toFixed(1)}x   (${(s.matches / events.length).toFixed(2)} matches/event)`,
    );
  }

  const at10 = setups[0]!;
  const at1000 = setups[2]!;
  const speedup = at1000.routerRate / at1000.naiveRate;
  const slowdown = at10.routerRate / at1000.routerRate;
  const targets = [
    [`router at 1,000 policies >= 200,000 ev/s (${fmt(at1000.routerRate)})`, at1000.routerRate >= 200_000],
    [`router >= 10x naive at 1,000 policies (${speedup.toFixed(1)}x)`, speedup >= 10],
    [`router at 1,000 within 3x of router at 10 (${slowdown.toFixed(2)}x slower)`, slowdown <= 3],
  ] as const;
  for (const [label, ok] of targets) console.log(`  ${ok ? "PASS" : "FAIL"} ${label}`);
  return targets.every(([, ok]) => ok);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bench();
}
