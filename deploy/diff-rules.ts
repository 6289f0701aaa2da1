import type { Target } from "@aws-sdk/client-eventbridge";
import { DeployError } from "../engine/errors.ts";
import { canonicalJson, DEFAULT_PREFIX, RULE_TAG, RuleChange, type DesiredRule, type PlanEntry, type RulePlan, type RuleSpec } from "./rule-model.ts";
import { engineInputTemplate } from "./assemble-rules.ts";

/** A rule sync-rules may change or delete: it has the prefix and the managed tag. */
export function isManaged(rule: RuleSpec, prefix = DEFAULT_PREFIX): boolean {
  return rule.name.startsWith(prefix) && rule.tags[RULE_TAG.managed] === "true";
}

/** The fields of a target that sync-rules sets, without empty parts EventBridge may add or drop. */
function targetKey(target: Target): string {
  const transformer = target.InputTransformer;
  const paths = transformer?.InputPathsMap && Object.keys(transformer.InputPathsMap).length ? transformer.InputPathsMap : undefined;
  return canonicalJson({
    Id: target.Id,
    Arn: target.Arn,
    Input: target.Input,
    InputPath: target.InputPath,
    InputTransformer: transformer ? { InputPathsMap: paths, InputTemplate: transformer.InputTemplate } : undefined,
    RetryPolicy: target.RetryPolicy,
    DeadLetterConfig: target.DeadLetterConfig?.Arn ? { Arn: target.DeadLetterConfig.Arn } : undefined,
    RoleArn: target.RoleArn,
  });
}

/**
 * Whether the rule's targets are what the policy wants, the version aside (a new version
 * changes the input template; the plan reports that as `version`, not `target`). Without a
 * target ARN (a dry run without --target) the ARN in place is taken as given.
 */
function targetsDiffer(desired: DesiredRule, actual: RuleSpec): boolean {
  const actualVersion = actual.tags[RULE_TAG.version] ?? desired.version;
  const wanted = desired.targets.map((target) => ({
    ...target,
    Arn: target.Arn || actual.targets.find((t) => t.Id === target.Id)?.Arn || target.Arn,
    InputTransformer: target.InputTransformer && { ...target.InputTransformer, InputTemplate: engineInputTemplate(desired.policy, actualVersion) },
  }));
  const a = actual.targets.map(targetKey).sort();
  const d = wanted.map(targetKey).sort();
  return a.length !== d.length || a.some((key, i) => key !== d[i]);
}

/** What differs between a managed rule and the rule its policy describes, in plan order. */
export function ruleChanges(desired: DesiredRule, actual: RuleSpec): RuleChange[] {
  const changes: RuleChange[] = [];
  if ((desired.eventPattern ?? "") !== (actual.eventPattern ?? "")) changes.push(RuleChange.pattern);
  if ((desired.scheduleExpression ?? "") !== (actual.scheduleExpression ?? "")) changes.push(RuleChange.schedule);
  if (desired.state !== actual.state) changes.push(RuleChange.state);
  if (desired.version !== actual.tags[RULE_TAG.version]) changes.push(RuleChange.version);
  if (targetsDiffer(desired, actual)) changes.push(RuleChange.target);
  if ((desired.description ?? "") !== (actual.description ?? "")) changes.push(RuleChange.description);
  if (desired.bus !== actual.bus) changes.push(RuleChange.bus);
  const otherTags = Object.entries(desired.tags).some(([key, value]) => key !== RULE_TAG.version && actual.tags[key] !== value);
  if (otherTags) changes.push(RuleChange.tags);
  return changes;
}

/**
 * The plan that turns the rules in EventBridge into the desired ones. Pure. Only rules with the
 * prefix and the managed tag are updated or deleted; a desired rule whose name is taken on its
 * bus by a rule Caretaker does not manage is an error, found before anything is written.
 *
 * @throws DeployError naming every collision.
 * @example
 * const plan = diffRules(assembleRules(policies, options), await loadRules(client, { prefix }));
 * plan.entries.map((e) => e.kind); // ["create", "unchanged", "delete"]
 */
export function diffRules(desired: DesiredRule[], actual: RuleSpec[], options: { prefix?: string } = {}): RulePlan {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const collisions: string[] = [];
  for (const rule of desired) {
    const taken = actual.find((a) => a.name === rule.name && a.bus === rule.bus && !isManaged(a, prefix));
    if (taken) {
      collisions.push(
        `rule ${rule.name} on bus ${rule.bus} already exists and is not managed by Caretaker (no ${RULE_TAG.managed}=true tag); ` +
          `sync-rules never changes such a rule. Rename policy ${rule.policy}, choose another --prefix, or delete or tag the rule yourself`,
      );
    }
  }
  if (collisions.length) throw new DeployError(`${collisions.join("\n")}\nnothing was changed`);

  const managed = actual.filter((a) => isManaged(a, prefix));
  const used = new Set<RuleSpec>();
  const entries: PlanEntry[] = [];
  for (const rule of desired) {
    const match =
      managed.find((a) => !used.has(a) && a.name === rule.name && a.bus === rule.bus) ??
      managed.find((a) => !used.has(a) && a.name === rule.name && !desired.some((d) => d.name === a.name && d.bus === a.bus));
    if (!match) {
      entries.push({ kind: "create", rule });
      continue;
    }
    used.add(match);
    const changes = ruleChanges(rule, match);
    entries.push(changes.length ? { kind: "update", rule, actual: match, changes } : { kind: "unchanged", rule });
  }
  for (const rule of managed) if (!used.has(rule)) entries.push({ kind: "delete", actual: rule });
  const nameOf = (e: PlanEntry) => (e.kind === "delete" ? e.actual.name : e.rule.name);
  entries.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return { entries };
}

/** Whether applying the plan would write anything. */
export function planChanges(plan: RulePlan): boolean {
  return plan.entries.some((e) => e.kind !== "unchanged");
}

/**
 * Fails before any write when an event trigger names a bus that does not exist.
 *
 * @throws DeployError naming each missing bus and its policies.
 */
export function assertBusesExist(desired: DesiredRule[], buses: string[]): void {
  const known = new Set(buses);
  const missing = new Map<string, string[]>();
  for (const rule of desired) {
    if (!known.has(rule.bus)) missing.set(rule.bus, [...(missing.get(rule.bus) ?? []), rule.policy]);
  }
  if (missing.size) {
    const lines = [...missing].map(([bus, policies]) => `event bus ${bus} (named by ${policies.join(", ")}) does not exist; create it first (aws events create-event-bus --name ${bus})`);
    throw new DeployError(`${lines.join("\n")}\nnothing was changed`);
  }
}
