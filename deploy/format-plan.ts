import type { ApplyResult } from "./apply-rules.ts";
import type { PlanEntry, RulePlan } from "./rule-model.ts";

function busNote(bus: string): string {
  return bus === "default" ? "" : ` [bus ${bus}]`;
}

/**
 * One line per rule: `+ create NAME`, `~ update NAME (pattern, version)`, `- delete NAME`,
 * `= unchanged NAME`.
 *
 * @example
 * formatPlanEntry({ kind: "delete", actual }); // "- delete caretaker-old-policy"
 */
export function formatPlanEntry(entry: PlanEntry): string {
  switch (entry.kind) {
    case "create":
      return `+ create ${entry.rule.name}${busNote(entry.rule.bus)}`;
    case "update":
      return `~ update ${entry.rule.name}${busNote(entry.rule.bus)} (${entry.changes.join(", ")})`;
    case "delete":
      return `- delete ${entry.actual.name}${busNote(entry.actual.bus)}`;
    case "unchanged":
      return `= unchanged ${entry.rule.name}${busNote(entry.rule.bus)}`;
  }
}

export function countPlan(plan: RulePlan): ApplyResult {
  const count = (kind: PlanEntry["kind"]) => plan.entries.filter((e) => e.kind === kind).length;
  return { created: count("create"), updated: count("update"), deleted: count("delete"), unchanged: count("unchanged") };
}

/** The plan's last line: what would change, or what changed once applied. */
export function formatSummary(counts: ApplyResult, applied: boolean): string {
  const verbs = applied ? ["created", "updated", "deleted"] : ["to create", "to update", "to delete"];
  return `${counts.created} ${verbs[0]}, ${counts.updated} ${verbs[1]}, ${counts.deleted} ${verbs[2]}, ${counts.unchanged} unchanged`;
}
