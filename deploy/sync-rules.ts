import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import { DeployError } from "../engine/errors.ts";
import { applyRules, awsMessage, type ApplyResult } from "./apply-rules.ts";
import { assembleRules, type AssembleRulesOptions } from "./assemble-rules.ts";
import { assertBusesExist, diffRules, planChanges } from "./diff-rules.ts";
import { loadRules } from "./load-rules.ts";
import type { RulePlan } from "./rule-model.ts";

export interface SyncRulesOptions extends AssembleRulesOptions {
  /** Plan only: no write call. */
  dryRun?: boolean;
  /** Page size of EventBridge's list calls (tests use a small one to exercise paging). */
  pageSize?: number;
}

export interface SyncRulesResult {
  plan: RulePlan;
  /** Whether the plan holds any create, update or delete. */
  changes: boolean;
  /** Set when the plan was applied. */
  applied?: ApplyResult;
}

/**
 * sync-rules without the command line: desired rules (pure), what EventBridge holds (reads),
 * the plan (pure) and, unless a dry run, the writes. Every check runs before the first write.
 *
 * @example
 * const { plan, applied } = await syncRules(policies, clients.eventBridge, { targetArn });
 */
export async function syncRules(policies: LoadedPolicy[], client: EventBridgeClient, options: SyncRulesOptions = {}): Promise<SyncRulesResult> {
  const desired = assembleRules(policies, options);
  let actual;
  try {
    actual = await loadRules(client, { prefix: options.prefix, pageSize: options.pageSize });
  } catch (error) {
    throw new DeployError(`reading the rules from EventBridge failed: ${awsMessage(error)}; nothing was changed`, { cause: error });
  }
  const plan = diffRules(desired, actual.rules, { prefix: options.prefix });
  assertBusesExist(desired, actual.buses);
  const changes = planChanges(plan);
  if (options.dryRun || !changes) return { plan, changes };
  return { plan, changes, applied: await applyRules(plan, client) };
}
