import { isDeepStrictEqual } from "node:util";
import { scheduledEvent, type EventBridgeEvent } from "./events.ts";
import type { LoadedPolicy, PolicyTestDoc } from "./policy/types.ts";
import { evaluateTrigger } from "./runner.ts";

export interface PolicyTestResult {
  policy: string;
  file: string;
  name: string;
  passed: boolean;
  failures: string[];
}

/** A test's event with the envelope fields a short test may leave out. */
export function testEvent(policy: LoadedPolicy, test: PolicyTestDoc, index: number): EventBridgeEvent {
  if (test.at !== undefined) return scheduledEvent(policy.doc.name, new Date(test.at));
  return {
    version: "0",
    id: `test-${policy.doc.name}-${index}`,
    account: "123456789012",
    region: "us-east-1",
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    resources: [],
    detail: {},
    ...test.event,
  } as unknown as EventBridgeEvent;
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

/**
 * Runs a policy's `tests:`: trigger, filter and vars only, no AWS call.
 *
 * @example
 * const results = await runPolicyTests(policy);
 * results.every((r) => r.passed)
 */
export async function runPolicyTests(policy: LoadedPolicy): Promise<PolicyTestResult[]> {
  const results: PolicyTestResult[] = [];
  for (const [index, test] of (policy.doc.tests ?? []).entries()) {
    const failures: string[] = [];
    try {
      const outcome = await evaluateTrigger(policy, testEvent(policy, test, index), test.env ?? {});
      if (outcome.triggered !== test.expect.triggered) {
        failures.push(`expected triggered ${test.expect.triggered}, got ${outcome.triggered}${outcome.reason ? ` (stopped by the ${outcome.reason})` : ""}`);
      }
      for (const [name, expected] of Object.entries(test.expect.vars ?? {})) {
        const actual = outcome.vars[name];
        if (!isDeepStrictEqual(actual, expected)) failures.push(`expected var ${name} = ${show(expected)}, got ${show(actual)}`);
      }
    } catch (error) {
      failures.push(`error: ${(error as Error).message}`);
    }
    results.push({ policy: policy.doc.name, file: policy.file, name: test.name, passed: failures.length === 0, failures });
  }
  return results;
}
