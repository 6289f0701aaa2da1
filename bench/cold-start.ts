import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { registry } from "../actions/index.ts";
import { BUNDLE_BUDGET_BYTES, buildBundle } from "../deploy/bundle.ts";
import { loadPoliciesOrThrow } from "../engine/policy/load.ts";

const POLICIES = 100;
const RUNS = 21;
const TARGET_MS = 200;

// A realistic spread: the seed's three kinds of policy, varied so no two are equal.
export function policyYaml(i: number): string {
  const kind = i % 4;
  const head = `apiVersion: caretaker/v1\nname: cold-${i}\ndescription: Generated policy ${i} for the cold-start benchmark.\nenv: [ALERT_TOPIC_ARN]\n`;
  const notify = `  - type: notify\n    with:\n      topic: "{% $env.ALERT_TOPIC_ARN %}"\n      subject: "[cold-${i}] {% $count($steps.main.snapshots) %}"\n      message: "{% $steps.main %}"\n`;
  if (kind === 0) {
    return `${head}trigger:\n  event:\n    source: [aws.ec2]\n    detail-type: [EC2 Instance State-change Notification]\n    detail:\n      state: [stopped, stopping]\n      instance-id: [{ prefix: "i-${i.toString(16)}" }]\nfilter: detail.state in ["stopped", "stopping"]\nvars:\n  instanceId: detail."instance-id"\nactions:\n  - type: snapshot-volumes\n    id: main\n    with:\n      instance: "{% $instanceId %}"\n      require-tags: { AutoSnapshot: "true", Team: "team-${i}" }\n${notify}`;
  }
  if (kind === 1) {
    return `${head}trigger:\n  schedule: cron(${i % 60} ${i % 24} * * ? *)\nactions:\n  - type: delete-old-snapshots\n    id: main\n    with:\n      older-than: ${i + 1}d\n      tags: { "caretaker:managed": "true", "caretaker:policy": cold-${i - 1} }\n${notify}`;
  }
  if (kind === 2) {
    return `${head}trigger:\n  event:\n    source: [aws.cloudwatch]\n    detail-type: [CloudWatch Alarm State Change]\n    detail:\n      alarmName: [{ prefix: "high-cpu-${i}" }]\n      state: { value: [ALARM] }\nvars:\n  group: detail.configuration.metrics[0].metricStat.metric.dimensions.AutoScalingGroupName\nfilter: $exists(detail.configuration)\nactions:\n  - type: scale-asg\n    id: main\n    with: { group: "{% $group %}", by: ${(i % 3) + 1} }\n${notify}`;
  }
  return `${head}trigger:\n  schedule: rate(${i} hours)\nvars:\n  day: $substring($ago("1d"), 0, 10)\nactions:\n  - type: archive-table\n    id: main\n    with:\n      table: metrics-${i}\n      bucket: archive-${i}\n      key: "metrics/{% $day %}.jsonl"\n      gzip: true\n${notify}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time of a fresh `node` from spawn to exit, and what the child printed. */
function timed(args: string[], env: NodeJS.ProcessEnv): { wall: number; printed: string } {
  const start = performance.now();
  // stderr is kept (not shown): execFileSync puts it in the error when the child fails.
  const printed = execFileSync(process.execPath, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { wall: performance.now() - start, printed };
}

/**
 * Cold start of the deployable bundle: its size, and the time a fresh Node process takes to
 * import it with 100 policies embedded (the handler, router and policies ready), beside an
 * empty Node start measured in the same run. The target applies to the import itself, timed
 * inside the fresh process: what the bundle adds to Node's own start.
 */
export default async function bench(): Promise<boolean> {
  const work = mkdtempSync(join(tmpdir(), "caretaker-cold-start-"));
  try {
    const dir = join(work, "policies");
    mkdirSync(dir);
    for (let i = 0; i < POLICIES; i++) writeFileSync(join(dir, `cold-${i}.yml`), policyYaml(i));
    const policies = loadPoliciesOrThrow([dir], registry);
    const built = await buildBundle({ policies, outDir: join(work, "dist"), zip: false });
    const sizeOk = built.bundleBytes <= BUNDLE_BUDGET_BYTES;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    process.stdout.write(`bundle with ${policies.length} policies: ${kb(built.bundleBytes)} minified code (entry index.mjs ${kb(built.entryBytes)}, ${built.files.filter((f) => f.endsWith(".mjs")).length} files)\n`);
    process.stdout.write(`largest parts: ${built.packages.slice(0, 5).map((p) => `${p.name} ${kb(p.bytes)}`).join(", ")}\n`);

    // As on Lambda: a state table is configured, so the DynamoDB client is built at start.
    const env = { ...process.env, CARETAKER_STATE_TABLE: "caretaker-state", AWS_REGION: process.env.AWS_REGION ?? "us-east-1", AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" };
    // The child times its own import: the handler, its router and the policies are ready when it resolves.
    const url = JSON.stringify(pathToFileURL(built.bundlePath).href);
    const load = ["--input-type=module", "-e", `const t = performance.now(); await import(${url}); process.stdout.write(String(performance.now() - t));`];
    const empty = ["-e", ""];
    timed(load, env);
    timed(empty, env);
    const wall: number[] = [];
    const imports: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const sample = timed(load, env);
      wall.push(sample.wall);
      imports.push(Number(sample.printed));
      bare.push(timed(empty, env).wall);
    }
    const importMs = median(imports);
    const start = median(wall);
    const base = median(bare);
    const timeOk = importMs <= TARGET_MS;
    process.stdout.write(`import of the bundle with ${POLICIES} policies loaded, in a fresh node: median ${importMs.toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...imports).toFixed(0)})\n`);
    process.stdout.write(`whole process, spawn to exit: median ${start.toFixed(0)} ms; baseline empty node -e "": median ${base.toFixed(0)} ms (min ${Math.min(...bare).toFixed(0)}); difference ${(start - base).toFixed(0)} ms, ratio ${(start / base).toFixed(1)}x\n`);
    process.stdout.write(`load average during the run: ${loadavg().map((n) => n.toFixed(1)).join(" ")} on ${availableParallelism()} CPUs\n`);
    process.stdout.write(`${sizeOk ? "PASS" : "FAIL"} bundle <= ${kb(BUNDLE_BUDGET_BYTES)} minified\n`);
    process.stdout.write(`${timeOk ? "PASS" : "FAIL"} import + load <= ${TARGET_MS} ms median\n`);
    return sizeOk && timeOk;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
