import { fileURLToPath } from "node:url";
import { Logger } from "@aws-lambda-powertools/logger";
import { registry } from "../actions/index.ts";
import { DEFAULT_PREFIX } from "../deploy/rule-model.ts";
import { formatPlanEntry, formatSummary, countPlan } from "../deploy/format-plan.ts";
import { syncRules } from "../deploy/sync-rules.ts";
import { drainMessages, sampleEvents, seedWorld, type World } from "../emulator/world.ts";
import { createClients, type Clients } from "../engine/clients.ts";
import { CaretakerError } from "../engine/errors.ts";
import { scheduledEvent } from "../engine/events.ts";
import { createHandler, type HandlerResult } from "../engine/handler.ts";
import { loadPoliciesOrThrow } from "../engine/policy/load.ts";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import { runPolicy, type RunOptions } from "../engine/runner.ts";
import { nextFireTimes } from "../engine/schedule/index.ts";
import { DynamoDbStateStore } from "../engine/state/dynamodb-store.ts";
import { narrateMessage, narrateRun } from "./narrate.ts";
import { countRules, createStateTable, groupCapacity, listSnapshotIds, readArchive } from "./observe.ts";

/** The counts a run of the demo ends with; printed as `DEMO-SUMMARY {json}` for scripts and tests. */
export interface DemoSummary {
  rulesCreated: number;
  rulesInEventBridge: number;
  secondSyncWrites: number;
  snapshotsCreated: number;
  duplicateSnapshotsCreated: number;
  notOptedInSnapshotsCreated: number;
  snapshotsDeleted: number;
  handMadeSnapshotKept: boolean;
  archivedLines: number;
  desiredCapacity: number;
  scaleReason: string | null;
  messagesPublished: number;
  dryRunPlannedCalls: number;
  dryRunChanges: number;
}

export interface DemoIO {
  out(line: string): void;
  /** Progress display for long steps; only given when the output is a terminal. */
  progress?: RunOptions["progress"];
}

const POLICY_DIR = fileURLToPath(new URL("../policies/", import.meta.url));
const STATE_TABLE = "caretaker-demo-state";
// The emulator cannot run Lambdas, so the rules point at a made-up one; the demo plays each event into the handler itself.
const TARGET_ARN = "arn:aws:lambda:us-east-1:123456789012:function:caretaker-engine";
const ACCOUNT = "123456789012";
const DAY_MS = 86_400_000;

function policyNamed(policies: LoadedPolicy[], name: string): LoadedPolicy {
  const policy = policies.find((p) => p.doc.name === name);
  if (!policy) throw new CaretakerError(`the demo needs the example policy ${name} in ${POLICY_DIR}`);
  return policy;
}

function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((id) => !b.has(id));
}

/** What every scene shares: the output, the world, the engine it plays into, and the summary it adds to. */
class Demo {
  readonly summary: DemoSummary = {
    rulesCreated: 0, rulesInEventBridge: 0, secondSyncWrites: 0, snapshotsCreated: 0, duplicateSnapshotsCreated: 0, notOptedInSnapshotsCreated: 0,
    snapshotsDeleted: 0, handMadeSnapshotKept: false, archivedLines: 0, desiredCapacity: 0, scaleReason: null,
    messagesPublished: 0, dryRunPlannedCalls: 0, dryRunChanges: 0,
  };
  private scene = 0;

  constructor(
    readonly io: DemoIO,
    readonly clients: Clients,
    readonly world: World,
    readonly engine: { handler: ReturnType<typeof createHandler>; state: DynamoDbStateStore; env: Record<string, string | undefined> },
  ) {}

  heading(text: string): void {
    this.scene += 1;
    this.io.out("");
    this.io.out(`[${this.scene}] ${text}`);
  }

  out(line: string): void {
    this.io.out(line);
  }

  /** Plays one event into the Lambda handler and prints which policies it routed to and what they did. */
  async deliver(event: { id: string }): Promise<HandlerResult> {
    const result = await this.engine.handler(event);
    const names = result.runs.map((r) => r.policy);
    this.out(`  the handler routed event ${event.id} to ${names.length ? names.join(", ") : "no policy"}`);
    for (const run of result.runs) for (const line of narrateRun(run, "  ")) this.out(line);
    return result;
  }

  /** Prints and counts what SNS delivered to the subscribed queue since the last look. */
  async showMessages(): Promise<number> {
    const messages = await drainMessages(this.world.queueUrl);
    this.summary.messagesPublished += messages.length;
    if (!messages.length) this.out("  no message published");
    for (const message of messages) for (const line of narrateMessage(message, 8, "  ")) this.out(line);
    return messages.length;
  }

  snapshots(): Promise<Set<string>> {
    return listSnapshotIds(this.clients);
  }
}

async function syncScene(demo: Demo, policies: LoadedPolicy[]): Promise<void> {
  const { clients } = demo;
  demo.heading(`sync-rules --target ${TARGET_ARN}`);
  const first = await syncRules(policies, clients.eventBridge, { prefix: DEFAULT_PREFIX, targetArn: TARGET_ARN });
  for (const entry of first.plan.entries) demo.out(`  ${formatPlanEntry(entry)}`);
  const applied = first.applied ?? countPlan(first.plan);
  demo.out(`  ${formatSummary(applied, first.applied !== undefined)}`);
  demo.summary.rulesCreated = applied.created;
  demo.summary.rulesInEventBridge = await countRules(clients, DEFAULT_PREFIX);
  const second = await syncRules(policies, clients.eventBridge, { prefix: DEFAULT_PREFIX, targetArn: TARGET_ARN });
  const again = second.applied ?? { created: 0, updated: 0, deleted: 0 };
  demo.summary.secondSyncWrites = again.created + again.updated + again.deleted;
  demo.out(`  run again: ${formatSummary(countPlan(second.plan), false)} -> ${second.changes ? "changes applied" : "no write call"}`);
}

async function stopScene(demo: Demo, now: Date): Promise<void> {
  const { world } = demo;
  demo.heading(`EC2 reports web-1 (${world.optedIn.instanceId}, AutoSnapshot=true) stopped`);
  const stopped = sampleEvents.instanceStopped(world.optedIn.instanceId, now);
  const before = await demo.snapshots();
  await demo.deliver(stopped);
  const afterFirst = await demo.snapshots();
  demo.summary.snapshotsCreated = difference(afterFirst, before).length;
  await demo.showMessages();

  demo.out("");
  demo.out("  EventBridge delivers at least once: the same event arrives again");
  await demo.deliver(stopped);
  const afterSecond = await demo.snapshots();
  demo.summary.duplicateSnapshotsCreated = difference(afterSecond, afterFirst).length;
  demo.out(`  snapshots in the account: ${afterFirst.size} before the repeat, ${afterSecond.size} after`);
  await demo.showMessages();

  demo.out("");
  demo.out(`  EC2 reports scratch-1 (${world.notOptedIn.instanceId}, no AutoSnapshot tag) stopped`);
  await demo.deliver(sampleEvents.instanceStopped(world.notOptedIn.instanceId, now, "2d1e0c4b-5a69-4f3e-9b8a-7c6d5e4f3a2b"));
  demo.summary.notOptedInSnapshotsCreated = difference(await demo.snapshots(), afterSecond).length;
  await demo.showMessages();
}

async function nightlyScene(demo: Demo, nightly: LoadedPolicy, nightlyAt: Date): Promise<void> {
  const { clients, world, engine } = demo;
  const rule = `${DEFAULT_PREFIX}${nightly.doc.name}`;
  demo.heading(`${nightlyAt.toISOString()}, a month later: rule ${rule} fires (${String(nightly.doc.trigger.schedule)})`);
  demo.out("  every auto-created snapshot is now older than 30 days; the hand-made one has no caretaker tags");
  demo.out("  (played through the engine's runner rather than the handler, so its AWS calls and progress show)");
  const before = await demo.snapshots();
  const result = await runPolicy(nightly, scheduledEvent(nightly.doc.name, nightlyAt, { account: ACCOUNT, ruleName: rule }), { registry, state: engine.state, env: engine.env, progress: demo.io.progress });
  for (const line of narrateRun(result, "  ")) demo.out(line);
  const after = await demo.snapshots();
  const deleted = difference(before, after);
  demo.summary.snapshotsDeleted = deleted.length;
  demo.summary.handMadeSnapshotKept = after.has(world.unmanagedSnapshotId);
  demo.out(`  snapshots: ${before.size} before, ${after.size} after; hand-made ${world.unmanagedSnapshotId} ${demo.summary.handMadeSnapshotKept ? "kept" : "GONE"}`);

  const archive = result.steps.find((s) => s.type === "archive-table")?.output as { bucket: string; key: string } | undefined;
  if (archive) {
    const object = await readArchive(clients, archive.bucket, archive.key);
    demo.summary.archivedLines = object.lines;
    demo.out(`  s3://${archive.bucket}/${archive.key}: ${object.lines} JSON lines, ${object.bytes} bytes; first line:`);
    demo.out(`  | ${object.first ?? "(empty)"}`);
  }
  await demo.showMessages();
}

async function alarmScene(demo: Demo, at: Date): Promise<void> {
  const { clients, world } = demo;
  const before = await groupCapacity(clients, world.group);
  demo.heading(`CloudWatch alarms (Auto Scaling group ${world.group}: min ${before.min}, desired ${before.desired}, max ${before.max})`);
  demo.out("  high-cpu-web goes into ALARM");
  const high = await demo.deliver(sampleEvents.alarm("high-cpu-web", world.group, at));
  const scale = high.runs.flatMap((r) => r.steps).find((s) => s.type === "scale-asg")?.output as { reason?: string } | undefined;
  demo.summary.scaleReason = scale?.reason ?? null;
  const after = await groupCapacity(clients, world.group);
  demo.summary.desiredCapacity = after.desired;
  demo.out(`  Auto Scaling now reports desired ${after.desired} (asked +2 from ${before.desired}, capped at MaxSize ${after.max})`);
  await demo.showMessages();

  demo.out("");
  demo.out("  disk-space-web-1 goes into ALARM");
  await demo.deliver(sampleEvents.alarm("disk-space-web-1", undefined, new Date(at.getTime() + 60_000), "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"));
  const unchanged = await groupCapacity(clients, world.group);
  demo.out(`  notify only: desired stays ${unchanged.desired}`);
  await demo.showMessages();
}

async function dryRunScene(demo: Demo, policy: LoadedPolicy, at: Date): Promise<void> {
  const { world, engine } = demo;
  demo.heading(`dry run: what would ${policy.doc.name} do if web-1 stopped again?`);
  const before = await demo.snapshots();
  const event = sampleEvents.instanceStopped(world.optedIn.instanceId, at, "5f4e3d2c-1b0a-4998-8776-655443322110");
  const result = await runPolicy(policy, event, { registry, dryRun: true, env: engine.env });
  for (const line of narrateRun(result, "  ")) demo.out(line);
  demo.summary.dryRunPlannedCalls = result.calls.length;
  const after = await demo.snapshots();
  const published = await drainMessages(world.queueUrl);
  demo.summary.dryRunChanges = difference(after, before).length + difference(before, after).length + published.length;
  demo.out(`  ${result.calls.length} planned call(s); reads were real, nothing was changed: ${after.size} snapshots before and after, ${published.length} message(s)`);
}

/**
 * The whole demo against the emulator the environment points at: seed the world, sync the
 * rules, play the seed's three modules through the engine, then one dry run.
 *
 * @example
 * const summary = await playDemo({ out: (line) => console.log(line) });
 */
export async function playDemo(io: DemoIO): Promise<DemoSummary> {
  const clients = createClients();
  const policies = loadPoliciesOrThrow([POLICY_DIR], registry);
  const now = new Date();
  const nightly = policyNamed(policies, "nightly-maintenance");
  const [nightlyAt] = nextFireTimes(String(nightly.doc.trigger.schedule), new Date(now.getTime() + 31 * DAY_MS), 1);
  if (!nightlyAt) throw new CaretakerError(`the schedule of ${nightly.doc.name} never fires`);

  io.out(`Seeding the world (policies from ${POLICY_DIR})`);
  const [world] = await Promise.all([seedWorld({ nightlyAt }), createStateTable(clients, STATE_TABLE)]);
  io.out(`  web-1      ${world.optedIn.instanceId}  AutoSnapshot=true  volumes ${world.optedIn.volumeIds.join(", ")}`);
  io.out(`  scratch-1  ${world.notOptedIn.instanceId}  not opted in       volumes ${world.notOptedIn.volumeIds.join(", ")}`);
  io.out(`  snapshots  ${world.oldSnapshotIds.join(", ")} (auto-created, caretaker:managed) and ${world.unmanagedSnapshotId} (hand-made)`);
  io.out(`  table      ${world.table}: ${world.metrics.yesterday.length} rows for ${String(world.metrics.yesterday[0]?.date)}, ${world.metrics.older.length} older`);
  io.out(`  group      ${world.group}; topic ${world.topicArn.split(":").pop()} -> SQS queue ${world.queueUrl.split("/").pop()}`);
  io.out(`  state      ${STATE_TABLE} (exactly-once records, CARETAKER_STATE_TABLE)`);

  const env = { ...process.env, ...world.env, CARETAKER_STATE_TABLE: STATE_TABLE };
  const state = new DynamoDbStateStore(clients.dynamodb, STATE_TABLE);
  const logger = new Logger({ serviceName: "caretaker", logLevel: "SILENT" });
  const handler = createHandler({ registry, policies, state, logger, env });
  const demo = new Demo(io, clients, world, { handler, state, env });

  await syncScene(demo, policies);
  await stopScene(demo, now);
  await nightlyScene(demo, nightly, nightlyAt);
  await alarmScene(demo, new Date(nightlyAt.getTime() + 7 * 3_600_000 + 12 * 60_000));
  await dryRunScene(demo, policyNamed(policies, "auto-snapshot-on-stop"), new Date(nightlyAt.getTime() + 8 * 3_600_000));
  return demo.summary;
}
