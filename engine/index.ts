/**
 * Caretaker's library entry: EventBridge semantics, policy loading and the Lambda handler.
 * An entry point, like the CLI: it is where the action registry is handed to the engine.
 */
import { registry as defaultRegistry } from "../actions/index.ts";
import type { ActionRegistry } from "./action-contract.ts";
import { createHandler } from "./handler.ts";
import { loadPoliciesOrThrow } from "./policy/load.ts";
import type { LoadedPolicy } from "./policy/types.ts";

export { matchesPattern, validatePattern, createRouter } from "./pattern/index.ts";
export { validateSchedule, nextFireTimes } from "./schedule/index.ts";
export { createHandler } from "./handler.ts";
export { runPolicy } from "./runner.ts";
export { defineAction } from "./action-contract.ts";
export { policyVersion } from "./policy/version.ts";
export * from "./errors.ts";
export type { LoadedPolicy, PolicyDoc } from "./policy/types.ts";

/**
 * Loads and checks every policy in a folder; throws PolicyError listing every problem.
 *
 * @example
 * const policies = loadPolicies("policies");
 */
export function loadPolicies(dir: string, registry: ActionRegistry = defaultRegistry): LoadedPolicy[] {
  return loadPoliciesOrThrow([dir], registry);
}

let lazyHandler: ReturnType<typeof createHandler> | undefined;

/** The Lambda handler over the policies in CARETAKER_POLICIES_DIR (default ./policies). */
export async function handler(input: unknown, context?: Parameters<ReturnType<typeof createHandler>>[1]) {
  lazyHandler ??= createHandler({ registry: defaultRegistry, policies: loadPolicies(process.env.CARETAKER_POLICIES_DIR ?? "policies") });
  return lazyHandler(input, context);
}
