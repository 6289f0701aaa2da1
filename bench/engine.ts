import { fileURLToPath } from "node:url";
import { createRegistry, defineAction } from "../engine/action-contract.ts";
import { createClients } from "../engine/clients.ts";
import { createRouter } from "../engine/pattern/index.ts";
import { loadPolicyText } from "../engine/policy/load.ts";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import { runPolicy } from "../engine/runner.ts";
import { MemoryStateStore } from "../engine/state/memory-store.ts";
import type { EventBridgeEvent } from "../engine/events.ts";

// A do-nothing action: the benchmark measures the engine's own cost, not AWS.
const noop = defineAction({
  meta: { type: "noop", description: "does nothing, for benchmarks", kind: "read", params: { type: "object", properties: { value: {} } } as const, permissions: () => [], example: {} },
  async run(params) {
    return { value: params.value ?? null };
  },
});
const registry = createRegistry([noop]);

function policyYaml(i: number): string {
  return `apiVersion: caretaker/v1
name: bench-${i}
trigger:
  event:
    source: [svc.${i % 20}]
    detail-type: [Thing Changed]
    detail:
      state: [s${i % 5}, stopped]
      size: [{ numeric: [">", ${i}] }]
filter: detail.state != "ignored"
vars:
  id: detail.id
  label: $uppercase(detail.state) & "-" & $string(detail.size)
actions:
  - type: noop
    id: first
    with: { value: "{% $id %}" }
  - type: noop
    with: { value: "{% $steps.first.value & '/' & $label %}" }
`;
}

function loadBenchPolicies(count: number): LoadedPolicy[] {
  return Array.from({ length: count }, (_, i) => {
    const { policy, problems } = loadPolicyText(`bench-${i}.yml`, policyYaml(i), registry);
    if (!policy) throw new Error(problems.map((p) => p.message).join("; "));
    return policy;
  });
}

function event(n: number): EventBridgeEvent {
  return {
    version: "0", id: `evt-${n}`, "detail-type": "Thing Changed", source: `svc.${n % 20}`, account: "123456789012",
    time: "2026-01-01T00:00:00Z", region: "us-east-1", resources: [], detail: { id: `thing-${n}`, state: n % 3 ? "stopped" : "running", size: n % 200 },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Engine cost per event with 100 policies: route, filter, vars, dispatch through the registry; no AWS. */
export default async function bench(): Promise<boolean> {
  const policies = loadBenchPolicies(100);
  const byName = new Map(policies.map((p) => [p.doc.name, p]));
  const router = createRouter(Object.fromEntries(policies.map((p) => [p.doc.name, p.doc.trigger.event!])));
  const clients = createClients();
  const state = new MemoryStateStore();
  const samples: number[] = [];
  const parseSamples: number[] = [];
  let runs = 0;
  const total = 3000;
  for (let n = 0; n < total; n++) {
    const raw = JSON.stringify(event(n));
    const p0 = performance.now();
    JSON.parse(raw);
    parseSamples.push(performance.now() - p0);
    const t0 = performance.now();
    const e = JSON.parse(raw) as EventBridgeEvent;
    for (const name of router.match(e)) {
      await runPolicy(byName.get(name)!, e, { registry, state, clients, env: {} });
      runs++;
    }
    samples.push(performance.now() - t0);
  }
  const warm = samples.slice(500);
  const med = median(warm);
  const p99 = [...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.99)]!;
  const base = median(parseSamples.slice(500));
  const pass = med <= 1;
  process.stdout.write(`engine per event, 100 policies (${runs} policy runs over ${total} events): median ${med.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms\n`);
  process.stdout.write(`baseline (JSON.parse of the same event): median ${base.toFixed(4)} ms; ratio ${(med / base).toFixed(0)}x\n`);
  process.stdout.write(`${pass ? "PASS" : "FAIL"} median <= 1 ms\n`);
  return pass;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
