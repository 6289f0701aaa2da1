import type { Target } from "@aws-sdk/client-eventbridge";
import { DeployError } from "../engine/errors.ts";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import { canonicalJson, DEFAULT_BUS, DEFAULT_PREFIX, RULE_TAG, TARGET_ID, type DesiredRule } from "./rule-model.ts";

/**
 * EventBridge's limits on what sync-rules sends (PutRule / PutTargets API reference and the
 * "Amazon EventBridge quotas" page of the User Guide). The event pattern size is an adjustable
 * quota: 2048 characters by default, at most 4096 once raised.
 */
export const EVENTBRIDGE_LIMITS = {
  ruleNameLength: 64,
  ruleName: /^[.\-_A-Za-z0-9]+$/,
  descriptionLength: 512,
  eventPatternLength: 2048,
  eventPatternLengthMax: 4096,
  targetsPerRule: 5,
  inputTemplateLength: 8192,
  tagValueLength: 256,
} as const;

/**
 * How long EventBridge keeps retrying delivery to the engine. Failures at this stage are
 * throttling or a missing invoke permission, which a redeploy fixes within hours; an event
 * older than 6 hours goes to the DLQ instead, where an operator replays it on purpose, so a
 * stale nightly job never fires late into the next one. 185 is EventBridge's maximum: the age
 * is the limit that matters.
 */
export const TARGET_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 6 * 3600 } as const;

export interface AssembleRulesOptions {
  /** Rule name prefix; default `caretaker-`. */
  prefix?: string;
  /** The engine Lambda's ARN. Without it the plan still compares everything but the ARN. */
  targetArn?: string;
  /** SQS queue ARN that receives events EventBridge could not deliver. */
  dlqArn?: string;
  /** The account's event pattern size quota; default 2048. */
  eventPatternLength?: number;
}

/**
 * The target input: the policy's name and version plus the whole original event.
 * `<aws.events.event.json>` is one of EventBridge's predefined input transformer variables:
 * the complete original event as JSON (`<aws.events.event>` is the same event *without* its
 * `detail` field, which the engine needs). Both may only stand as a JSON value, as here. See
 * "Amazon EventBridge input transformation", section "Predefined variables":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-predefined
 *
 * @example
 * engineInputTemplate("nightly", "3f2a9c1e0b7d");
 * // '{"policy":"nightly","version":"3f2a9c1e0b7d","event":<aws.events.event.json>}'
 */
export function engineInputTemplate(policy: string, version: string): string {
  return `{"policy":${JSON.stringify(policy)},"version":${JSON.stringify(version)},"event":<aws.events.event.json>}`;
}

/**
 * The one target of a managed rule: the engine Lambda with the input transformer, the retry
 * policy and, when given, the dead-letter queue.
 *
 * @example
 * engineTarget("nightly", "3f2a9c1e0b7d", { targetArn: "arn:aws:lambda:us-east-1:123456789012:function:caretaker" });
 */
export function engineTarget(policy: string, version: string, options: Pick<AssembleRulesOptions, "targetArn" | "dlqArn">): Target {
  return {
    Id: TARGET_ID,
    Arn: options.targetArn ?? "",
    InputTransformer: { InputTemplate: engineInputTemplate(policy, version) },
    RetryPolicy: { ...TARGET_RETRY_POLICY },
    ...(options.dlqArn ? { DeadLetterConfig: { Arn: options.dlqArn } } : {}),
  };
}

function assembleRule(policy: LoadedPolicy, options: AssembleRulesOptions): DesiredRule {
  const { doc, version } = policy;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const trigger = doc.trigger;
  return {
    policy: doc.name,
    version,
    name: `${prefix}${doc.name}`,
    bus: trigger.event ? (trigger.bus ?? DEFAULT_BUS) : DEFAULT_BUS,
    ...(trigger.event ? { eventPattern: canonicalJson(trigger.event) } : {}),
    ...(trigger.schedule !== undefined ? { scheduleExpression: trigger.schedule } : {}),
    state: doc.enabled === false ? "DISABLED" : "ENABLED",
    description: doc.description ?? `Caretaker policy ${doc.name}`,
    tags: { [RULE_TAG.managed]: "true", [RULE_TAG.policy]: doc.name, [RULE_TAG.version]: version },
    targets: [engineTarget(doc.name, version, options)],
  };
}

/** Every way the rule breaks an EventBridge limit, each naming the policy's file. */
export function ruleLimitProblems(rule: DesiredRule, file: string, options: AssembleRulesOptions = {}): string[] {
  const L = EVENTBRIDGE_LIMITS;
  const at = `${file}: rule ${rule.name}`;
  const problems: string[] = [];
  if (rule.name.length > L.ruleNameLength) {
    problems.push(`${at}: the name is ${rule.name.length} characters; EventBridge allows ${L.ruleNameLength} (prefix + policy name). Shorten the policy name or the --prefix`);
  }
  if (!L.ruleName.test(rule.name)) {
    problems.push(`${at}: EventBridge rule names may only hold letters, digits, ".", "-" and "_"; check the --prefix`);
  }
  if ((rule.description?.length ?? 0) > L.descriptionLength) {
    problems.push(`${at}: the description is ${rule.description!.length} characters; EventBridge allows ${L.descriptionLength}`);
  }
  const quota = options.eventPatternLength ?? L.eventPatternLength;
  if (rule.eventPattern && rule.eventPattern.length > quota) {
    const raise = quota < L.eventPatternLengthMax ? ` (the quota can be raised to ${L.eventPatternLengthMax}; then pass --pattern-quota ${L.eventPatternLengthMax})` : "";
    problems.push(`${at}: the event pattern is ${rule.eventPattern.length} characters as JSON; the event pattern size quota is ${quota}${raise}`);
  }
  if (rule.targets.length > L.targetsPerRule) {
    problems.push(`${at}: ${rule.targets.length} targets; EventBridge allows ${L.targetsPerRule} per rule`);
  }
  for (const target of rule.targets) {
    const template = target.InputTransformer?.InputTemplate ?? "";
    if (template.length > L.inputTemplateLength) {
      problems.push(`${at}: the target's input template is ${template.length} characters; EventBridge allows ${L.inputTemplateLength}`);
    }
  }
  for (const [key, value] of Object.entries(rule.tags)) {
    if (value.length > L.tagValueLength) problems.push(`${at}: tag ${key} is ${value.length} characters; EventBridge allows ${L.tagValueLength}`);
  }
  return problems;
}

/**
 * The EventBridge rules the policies describe, one per policy, checked against EventBridge's
 * limits before anything is sent. Pure.
 *
 * @throws DeployError listing every limit broken by every rule.
 * @example
 * const desired = assembleRules(policies, { prefix: "caretaker-", targetArn: process.env.CARETAKER_TARGET_ARN });
 * desired[0].name; // "caretaker-auto-snapshot-on-stop"
 */
export function assembleRules(policies: LoadedPolicy[], options: AssembleRulesOptions = {}): DesiredRule[] {
  const rules = policies.map((policy) => assembleRule(policy, options));
  const problems = rules.flatMap((rule, i) => ruleLimitProblems(rule, policies[i]!.file, options));
  if (problems.length) throw new DeployError(`EventBridge would reject ${problems.length === 1 ? "a rule" : "rules"}; nothing was changed:\n${problems.join("\n")}`);
  return rules;
}
