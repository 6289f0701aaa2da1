import type { ActionRegistry } from "../action-contract.ts";
import { OPERATORS, patternProblems } from "../pattern/index.ts";
import { closest } from "./suggest.ts";
import { validateSchedule } from "../schedule/index.ts";
import type { PolicyDoc } from "./types.ts";
import { yamlInline } from "./validate-schema.ts";
import type { RawProblem } from "./yaml-source.ts";

/** "; in YAML: state: [stopped]" for a scalar leaf written without its list. */
function yamlLeaf(pattern: unknown, path: (string | number)[]): string {
  const value = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], pattern);
  const key = path[path.length - 1];
  if (typeof key !== "string" || value === null || typeof value === "object") return "";
  return `; in YAML: ${key}: [${yamlInline(value)}]`;
}

function triggerProblems(doc: PolicyDoc): RawProblem[] {
  const trigger = doc.trigger;
  if (!trigger || typeof trigger !== "object") return [];
  const problems: RawProblem[] = [];
  const hasEvent = trigger.event !== undefined;
  const hasSchedule = trigger.schedule !== undefined;
  if (hasEvent === hasSchedule) {
    problems.push({
      path: ["trigger"],
      atKey: true,
      id: "trigger-one-of",
      wants: ["event", "schedule"],
      message: hasEvent
        ? "trigger has both event and schedule; give exactly one (a policy with two triggers is two policies)"
        : 'trigger needs exactly one of event (an EventBridge pattern, e.g. event: { source: [aws.ec2] }) or schedule (e.g. schedule: "cron(0 2 * * ? *)" or "rate(1 day)")',
    });
  }
  // Without any trigger the bus is not the mistake: the missing event is, and that is said above.
  if (trigger.bus !== undefined && hasSchedule && !hasEvent) {
    problems.push({ path: ["trigger", "bus"], atKey: true, id: "bus-without-event", message: "trigger.bus applies to event triggers only; schedules always run on the default bus: remove bus" });
  }
  if (hasEvent && trigger.event && typeof trigger.event === "object") {
    for (const p of patternProblems(trigger.event)) {
      // A misspelled operator is wrong in its key, not in its operand.
      const atKey = /^unknown operator|is an operator name/.test(p.message);
      const operator = p.message.match(/^unknown operator "([^"]*)"/)?.[1];
      const guess = operator === undefined ? undefined : closest(operator, OPERATORS);
      const leaf = p.message.startsWith("a pattern leaf must be a list") ? yamlLeaf(trigger.event, p.path) : "";
      const message = `event pattern: ${p.message}${guess ? `. Did you mean "${guess}"?` : ""}${leaf}`;
      problems.push({ path: ["trigger", "event", ...p.path], atKey, id: "bad-pattern", message });
    }
  }
  if (hasSchedule && typeof trigger.schedule === "string") {
    for (const message of validateSchedule(trigger.schedule)) {
      problems.push({ path: ["trigger", "schedule"], id: "bad-schedule", message: `schedule: ${message}` });
    }
  }
  return problems;
}

function stepProblems(doc: PolicyDoc, registry: ActionRegistry): RawProblem[] {
  const problems: RawProblem[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(doc.actions) ? doc.actions : []).forEach((step, i) => {
    if (!step || typeof step !== "object") return;
    if (typeof step.id === "string") {
      const first = seen.get(step.id);
      if (first !== undefined) {
        problems.push({ path: ["actions", i, "id"], id: "duplicate-step-id", message: `step id "${step.id}" is already used by step ${first}; ids must be unique` });
      } else seen.set(step.id, i);
    }
    if (typeof step.type === "string" && registry.has(step.type) && step.with === undefined) {
      const meta = registry.get(step.type)!.meta;
      const required = (meta.params as { required?: string[] }).required ?? [];
      if (required.length) {
        const example = Object.fromEntries(required.filter((key) => key in meta.example).map((key) => [key, meta.example[key]]));
        problems.push({
          path: ["actions", i],
          id: "missing-key",
          wants: ["with"],
          message: `step ${i} (${step.type}) needs a with block giving ${required.join(", ")}, e.g. with: ${yamlInline(example)}`,
        });
      }
    }
  });
  return problems;
}

function testProblems(doc: PolicyDoc): RawProblem[] {
  const problems: RawProblem[] = [];
  const trigger = doc.trigger && typeof doc.trigger === "object" ? doc.trigger : {};
  // Only a trigger that is clearly one kind says which input its tests need; a broken trigger is reported once, above.
  const kind = (trigger.event !== undefined) === (trigger.schedule !== undefined) ? undefined : trigger.schedule !== undefined ? "schedule" : "event";
  const varNames = doc.vars && typeof doc.vars === "object" && !Array.isArray(doc.vars) ? Object.keys(doc.vars) : [];
  (Array.isArray(doc.tests) ? doc.tests : []).forEach((test, i) => {
    if (!test || typeof test !== "object") return;
    const name = typeof test.name === "string" ? test.name : String(i);
    const hasEvent = test.event !== undefined;
    const hasAt = test.at !== undefined;
    if (hasEvent === hasAt) {
      const which = kind === "schedule" ? "at (an ISO instant; this policy runs on a schedule)" : kind === "event" ? "event (this policy is triggered by events)" : "event (event triggers) or at (schedule triggers)";
      problems.push({ path: ["tests", i], id: "test-input", message: `test "${name}" needs exactly one of event or at: give ${which}` });
    } else if (hasAt && kind === "event") {
      problems.push({ path: ["tests", i, "at"], atKey: true, id: "test-input", message: `test "${name}" gives at, but the policy is triggered by events; give event instead` });
    }
    const declared = (Array.isArray(doc.env) ? doc.env : []).filter((e): e is string => typeof e === "string");
    if (test.env && typeof test.env === "object" && !Array.isArray(test.env)) {
      for (const key of Object.keys(test.env)) {
        if (declared.includes(key)) continue;
        const guess = closest(key, declared);
        problems.push({
          path: ["tests", i, "env", key],
          atKey: true,
          id: "env-undeclared",
          message: `test "${name}" sets env ${key}, which the policy does not declare, so $env.${key} stays empty.${guess ? ` Did you mean ${guess}?` : ""} Add ${key} to the policy's env list or remove it here`,
        });
      }
    }
    const expected = test.expect && typeof test.expect === "object" ? test.expect.vars : undefined;
    if (expected && typeof expected === "object" && !Array.isArray(expected)) {
      for (const key of Object.keys(expected)) {
        if (varNames.includes(key)) continue;
        const guess = closest(key, varNames);
        problems.push({
          path: ["tests", i, "expect", "vars", key],
          atKey: true,
          id: "unknown-var",
          message: `test "${name}" expects var "${key}", which the policy does not define.${guess ? ` Did you mean "${guess}"?` : ""}${varNames.length ? ` Vars: ${varNames.join(", ")}` : " The policy has no vars"}`,
        });
      }
    }
  });
  return problems;
}

/**
 * The checks JSON Schema cannot express: trigger, patterns, schedules, step ids, tests.
 *
 * @example
 * semanticProblems({ ...doc, trigger: {} }, registry)
 * // [{ path: ["trigger"], atKey: true, id: "trigger-one-of", wants: ["event", "schedule"], message: "trigger needs exactly one of ..." }]
 */
export function semanticProblems(doc: PolicyDoc, registry: ActionRegistry): RawProblem[] {
  return [...triggerProblems(doc), ...stepProblems(doc, registry), ...testProblems(doc)];
}
