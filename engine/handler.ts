import { Logger } from "@aws-lambda-powertools/logger";
import type { ActionRegistry } from "./action-contract.ts";
import { CaretakerError, EventError, InProgressError } from "./errors.ts";
import { assertEvent, isScheduledEvent, type EventBridgeEvent } from "./events.ts";
import { createRouter } from "./pattern/index.ts";
import type { LoadedPolicy } from "./policy/types.ts";
import { runPolicy, type RunLog, type RunResult } from "./runner.ts";
import { stateStoreFromEnv } from "./state/from-env.ts";
import type { StateStore } from "./state/store.ts";

/** What sync-rules' targets deliver: the policy, its version and the original event. */
export interface TargetInput {
  policy: string;
  version: string;
  event: unknown;
}

export interface HandlerOptions {
  registry: ActionRegistry;
  policies: LoadedPolicy[];
  state?: StateStore;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface HandlerResult {
  status: "ok" | "rejected";
  runs: Pick<RunResult, "policy" | "version" | "triggered" | "reason" | "dryRun" | "steps">[];
  error?: string;
}

interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
}

function isTargetInput(value: unknown): value is TargetInput {
  return !!value && typeof value === "object" && "policy" in value && "event" in value;
}

/** The rule name at the end of a scheduled event's resource ARN. */
function ruleName(event: EventBridgeEvent): string | undefined {
  return event.resources?.[0]?.split("/").pop();
}

/**
 * Builds the Lambda handler around a registry and a set of policies.
 * Routing is built once, at start-up; each invocation only matches and runs.
 *
 * @example
 * export const handler = createHandler({ registry, policies });
 */
export function createHandler(options: HandlerOptions) {
  const env = options.env ?? process.env;
  const logger = options.logger ?? new Logger({ serviceName: "caretaker" });
  const state = options.state ?? stateStoreFromEnv(env);
  if (state.kind === "memory") logger.warn("CARETAKER_STATE_TABLE is not set: exactly-once state is kept in this container's memory only");
  const byName = new Map(options.policies.map((p) => [p.doc.name, p]));
  const enabled = options.policies.filter((p) => p.doc.enabled !== false);
  const router = createRouter(Object.fromEntries(enabled.filter((p) => p.doc.trigger.event).map((p) => [p.doc.name, p.doc.trigger.event!])));
  const runLog: RunLog = {
    step: (record) => logger.info("step", record),
    run: (record) => (record.status === "failed" ? logger.error("run", record) : logger.info("run", record)),
  };

  function select(input: unknown): { event: EventBridgeEvent; policies: LoadedPolicy[] } {
    if (isTargetInput(input)) {
      const event = assertEvent(input.event);
      const policy = byName.get(String(input.policy));
      if (!policy) throw new EventError(`no policy named "${String(input.policy)}" in this deployment; re-run sync-rules after deploying`);
      if (input.version !== policy.version) {
        logger.warn("version mismatch", { policy: policy.doc.name, ruleVersion: input.version, version: policy.version, eventId: event.id });
      }
      return { event, policies: [policy] };
    }
    const event = assertEvent(input);
    if (isScheduledEvent(event)) {
      const rule = ruleName(event);
      return { event, policies: enabled.filter((p) => p.doc.trigger.schedule !== undefined && rule?.endsWith(p.doc.name)) };
    }
    return { event, policies: router.match(event).map((name) => byName.get(name)!) };
  }

  return async function handler(input: unknown, context: LambdaContextLike = {}): Promise<HandlerResult> {
    let selected;
    try {
      selected = select(input);
    } catch (error) {
      // A malformed delivery never becomes valid on retry: reject it with a record instead of failing.
      logger.error("rejected input", { error: (error as Error).message, inputType: Array.isArray(input) ? "array" : typeof input });
      return { status: "rejected", runs: [], error: (error as Error).message };
    }
    const leaseMs = (context.getRemainingTimeInMillis?.() ?? 15 * 60_000) + 30_000;
    const runs: HandlerResult["runs"] = [];
    const failures: string[] = [];
    for (const policy of selected.policies) {
      try {
        const result = await runPolicy(policy, selected.event, { registry: options.registry, state, env, log: runLog, leaseMs });
        runs.push({ policy: result.policy, version: result.version, triggered: result.triggered, reason: result.reason, dryRun: result.dryRun, steps: result.steps });
      } catch (error) {
        if (!(error instanceof CaretakerError)) logger.error("run crashed", { policy: policy.doc.name, eventId: selected.event.id, error: (error as Error).message });
        if (error instanceof InProgressError) logger.warn("duplicate in progress", { policy: policy.doc.name, eventId: selected.event.id });
        failures.push(`${policy.doc.name}: ${(error as Error).message}`);
      }
    }
    // Failing the invocation is what makes Lambda retry and, at the end, use the failure destination.
    if (failures.length) throw new CaretakerError(`caretaker run failed for event ${selected.event.id}: ${failures.join("; ")}`);
    return { status: "ok", runs };
  };
}
