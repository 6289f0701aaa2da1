import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  type EventBridgeClient,
} from "@aws-sdk/client-eventbridge";
import { CaretakerError, DeployError, UsageError } from "../engine/errors.ts";
import { RuleChange, type DesiredRule, type PlanEntry, type RulePlan, type RuleSpec } from "./rule-model.ts";

/** What applying a plan did. */
export interface ApplyResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

const RULE_DEFINITION: readonly RuleChange[] = [RuleChange.pattern, RuleChange.schedule, RuleChange.state, RuleChange.description];

function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

async function putRule(client: EventBridgeClient, rule: DesiredRule): Promise<string | undefined> {
  const output = await client.send(
    new PutRuleCommand({
      Name: rule.name,
      EventBusName: rule.bus,
      EventPattern: rule.eventPattern,
      ScheduleExpression: rule.scheduleExpression,
      State: rule.state,
      Description: rule.description,
      Tags: tagList(rule.tags),
    }),
  );
  return output.RuleArn;
}

async function putTargets(client: EventBridgeClient, rule: DesiredRule): Promise<void> {
  const output = await client.send(new PutTargetsCommand({ Rule: rule.name, EventBusName: rule.bus, Targets: rule.targets }));
  if (output.FailedEntryCount) {
    const why = (output.FailedEntries ?? []).map((e) => `${e.TargetId}: ${e.ErrorCode} ${e.ErrorMessage}`).join("; ");
    throw new DeployError(`EventBridge refused the target of rule ${rule.name}: ${why}`);
  }
}

async function removeTargets(client: EventBridgeClient, rule: RuleSpec, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const output = await client.send(new RemoveTargetsCommand({ Rule: rule.name, EventBusName: rule.bus, Ids: ids }));
  if (output.FailedEntryCount) {
    const why = (output.FailedEntries ?? []).map((e) => `${e.TargetId}: ${e.ErrorCode} ${e.ErrorMessage}`).join("; ");
    throw new DeployError(`EventBridge could not remove targets of rule ${rule.name}: ${why}`);
  }
}

async function createRule(client: EventBridgeClient, rule: DesiredRule): Promise<void> {
  await putRule(client, rule);
  await putTargets(client, rule);
}

async function deleteRule(client: EventBridgeClient, rule: RuleSpec): Promise<void> {
  // EventBridge refuses to delete a rule that still has targets.
  await removeTargets(client, rule, rule.targets.flatMap((t) => (t.Id ? [t.Id] : [])));
  await client.send(new DeleteRuleCommand({ Name: rule.name, EventBusName: rule.bus }));
}

async function updateRule(client: EventBridgeClient, rule: DesiredRule, actual: RuleSpec, changes: RuleChange[]): Promise<void> {
  if (changes.includes(RuleChange.bus)) {
    // A rule cannot move between buses: make the new one before removing the old, so no event is missed.
    await createRule(client, rule);
    await deleteRule(client, actual);
    return;
  }
  let arn = actual.arn;
  if (changes.some((c) => RULE_DEFINITION.includes(c))) arn = (await putRule(client, rule)) ?? arn;
  // PutRule leaves the tags of an existing rule as they were.
  if (changes.includes(RuleChange.version) || changes.includes(RuleChange.tags)) {
    await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: tagList(rule.tags) }));
  }
  if (changes.includes(RuleChange.version) || changes.includes(RuleChange.target)) {
    await putTargets(client, rule);
    const keep = new Set(rule.targets.map((t) => t.Id));
    await removeTargets(client, actual, actual.targets.flatMap((t) => (t.Id && !keep.has(t.Id) ? [t.Id] : [])));
  }
}

/**
 * Fails before any write when a create or update has no target ARN to point at.
 *
 * @throws UsageError explaining --target / CARETAKER_TARGET_ARN.
 */
export function assertTargetsKnown(plan: RulePlan): void {
  const missing = plan.entries.filter((e): e is Extract<PlanEntry, { rule: DesiredRule }> & { kind: "create" | "update" } =>
    (e.kind === "create" || e.kind === "update") && e.rule.targets.some((t) => !t.Arn),
  );
  if (missing.length) {
    throw new UsageError(
      `${missing.map((e) => e.rule.name).join(", ")} need${missing.length === 1 ? "s" : ""} the engine Lambda's ARN as target: ` +
        "pass --target ARN or set CARETAKER_TARGET_ARN (the stack output FunctionArn)",
    );
  }
}

/** An AWS error as `Code: message`. */
export function awsMessage(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return e.name && e.name !== "Error" ? `${e.name}: ${e.message ?? ""}` : String(e.message ?? error);
}

async function applyEntry(client: EventBridgeClient, entry: PlanEntry, result: ApplyResult): Promise<void> {
  switch (entry.kind) {
    case "create":
      await createRule(client, entry.rule);
      result.created += 1;
      return;
    case "update":
      await updateRule(client, entry.rule, entry.actual, entry.changes);
      result.updated += 1;
      return;
    case "delete":
      await deleteRule(client, entry.actual);
      result.deleted += 1;
      return;
    case "unchanged":
      result.unchanged += 1;
      return;
  }
}

/**
 * Makes EventBridge match the plan: creates, updates and deletes rules, one at a time, and
 * writes nothing for unchanged rules.
 *
 * @example
 * const result = await applyRules(plan, clients.eventBridge);
 * result.created; // 2
 */
export async function applyRules(plan: RulePlan, client: EventBridgeClient): Promise<ApplyResult> {
  assertTargetsKnown(plan);
  const result: ApplyResult = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
  const total = plan.entries.filter((e) => e.kind !== "unchanged").length;
  for (const entry of plan.entries) {
    try {
      await applyEntry(client, entry, result);
    } catch (error) {
      if (error instanceof CaretakerError) throw error;
      const done = result.created + result.updated + result.deleted;
      const name = entry.kind === "delete" ? entry.actual.name : entry.rule.name;
      throw new DeployError(
        `${entry.kind} ${name} failed: ${awsMessage(error)}; ${done} of ${total} changes were applied before it. Fix the cause and run sync-rules again: it picks up where this stopped`,
        { cause: error },
      );
    }
  }
  return result;
}
