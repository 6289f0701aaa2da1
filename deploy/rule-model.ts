import type { Target } from "@aws-sdk/client-eventbridge";

/** The tags that mark a rule as Caretaker's; sync-rules changes nothing without `managed`. */
export const RULE_TAG = {
  managed: "caretaker:managed",
  policy: "caretaker:policy",
  version: "caretaker:version",
} as const;

export const DEFAULT_PREFIX = "caretaker-";
export const DEFAULT_BUS = "default";
/** The one target's id; a managed rule's other targets are removed. */
export const TARGET_ID = "caretaker-engine";

/** One EventBridge rule as sync-rules wants it, or as EventBridge holds it. */
export interface RuleSpec {
  name: string;
  /** Known for rules read from EventBridge. */
  arn?: string;
  bus: string;
  /** Canonical JSON (sorted keys) of the event pattern. */
  eventPattern?: string;
  scheduleExpression?: string;
  /** ENABLED or DISABLED for rules sync-rules writes; EventBridge knows others (ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS). */
  state: string;
  description?: string;
  tags: Record<string, string>;
  targets: Target[];
}

/** A desired rule: the spec plus the policy it comes from. */
export interface DesiredRule extends RuleSpec {
  state: "ENABLED" | "DISABLED";
  policy: string;
  version: string;
}

/** What differs between a managed rule and its policy; the names users see in the plan. */
export const RuleChange = {
  pattern: "pattern",
  schedule: "schedule",
  state: "state",
  version: "version",
  target: "target",
  description: "description",
  bus: "bus",
  tags: "tags",
} as const;
export type RuleChange = (typeof RuleChange)[keyof typeof RuleChange];

export type PlanEntry =
  | { kind: "create"; rule: DesiredRule }
  | { kind: "update"; rule: DesiredRule; actual: RuleSpec; changes: RuleChange[] }
  | { kind: "delete"; actual: RuleSpec }
  | { kind: "unchanged"; rule: DesiredRule };

export interface RulePlan {
  entries: PlanEntry[];
}

/** A JSON text with object keys sorted, so equal values compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
