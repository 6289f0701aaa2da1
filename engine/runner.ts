import { randomUUID } from "node:crypto";
import type { ActionRegistry } from "./action-contract.ts";
import { createClients, type Clients } from "./clients.ts";
import { parseDuration } from "./duration.ts";
import { CaretakerError, InProgressError, StepError } from "./errors.ts";
import { isScheduledEvent, type EventBridgeEvent } from "./events.ts";
import { evaluateExpression, renderTemplates } from "./expressions.ts";
import { checkRenderedParams } from "./params.ts";
import { matchesPattern } from "./pattern/index.ts";
import type { LoadedPolicy } from "./policy/types.ts";
import { assembleActionContext } from "./run-context.ts";
import type { RecordedCall } from "./dry-run.ts";
import { MemoryStateStore } from "./state/memory-store.ts";
import type { StateStore, StepCheckpoint } from "./state/store.ts";

export interface StepResult {
  index: number;
  type: string;
  id: string | null;
  status: "ok" | "skipped" | "failed";
  output?: unknown;
  error?: string;
  /** True when the output came from an earlier attempt's checkpoint. */
  resumed?: boolean;
}

export interface RunResult {
  policy: string;
  version: string;
  eventId: string;
  dryRun: boolean;
  triggered: boolean;
  /** Why the policy did not run, when triggered is false. */
  reason?: "pattern" | "filter" | "duplicate";
  vars?: Record<string, unknown>;
  steps: StepResult[];
  calls: RecordedCall[];
  state: "memory" | "dynamodb" | "none";
}

/** Structured records of a run, one per step and one per run. */
export interface RunLog {
  step(record: Record<string, unknown>): void;
  run(record: Record<string, unknown>): void;
}

export interface RunOptions {
  registry: ActionRegistry;
  dryRun?: boolean;
  /** Environment the policy's `env` names are read from. */
  env?: Record<string, string | undefined>;
  state?: StateStore;
  clients?: Clients;
  log?: RunLog;
  /** How long a claim holds before another invocation may take it over. */
  leaseMs?: number;
  progress?: (done: number, total: number | undefined, what: string) => void;
}

const quietLog: RunLog = { step() {}, run() {} };
/** How many calls a run's log line lists; the count is always there. */
const LOGGED_CALLS = 100;

function callsForLog(calls: RecordedCall[]) {
  return { calls: calls.length, callList: calls.slice(0, LOGGED_CALLS).map((c) => ({ step: c.step, service: c.service, operation: c.operation, input: c.input })) };
}
const sharedMemoryState = new MemoryStateStore();

/** The bindings every expression of a run sees. */
function baseBindings(policy: LoadedPolicy, event: EventBridgeEvent, env: Record<string, string | undefined>) {
  const now = new Date(event.time);
  const declared: Record<string, string | undefined> = {};
  for (const name of policy.doc.env ?? []) if (!name.startsWith("AWS_")) declared[name] = env[name];
  return {
    event,
    policy: { name: policy.doc.name, version: policy.version },
    now: now.toISOString(),
    env: declared,
    steps: {} as Record<string, unknown>,
    ago: (duration: string) => new Date(now.getTime() - parseDuration(duration)).toISOString(),
  };
}

/** True when the policy's trigger accepts the event (pattern, or a scheduled event for schedules). */
export function triggerAccepts(policy: LoadedPolicy, event: EventBridgeEvent): boolean {
  const trigger = policy.doc.trigger;
  if (trigger.schedule !== undefined) return isScheduledEvent(event);
  return matchesPattern(trigger.event as Record<string, unknown>, event);
}

/** Trigger, filter and vars: everything before the first step. Pure apart from expression time. */
export async function evaluateTrigger(policy: LoadedPolicy, event: EventBridgeEvent, env: Record<string, string | undefined> = {}): Promise<{ triggered: boolean; reason?: "pattern" | "filter"; vars: Record<string, unknown>; bindings: Record<string, unknown> }> {
  const bindings: Record<string, unknown> = baseBindings(policy, event, env);
  const vars: Record<string, unknown> = {};
  if (!triggerAccepts(policy, event)) return { triggered: false, reason: "pattern", vars, bindings };
  const where = { policy: policy.doc.name };
  if (policy.doc.filter !== undefined && !(await evaluateExpression(policy.doc.filter, event, bindings, { ...where, param: "filter" }))) {
    return { triggered: false, reason: "filter", vars, bindings };
  }
  for (const [name, text] of Object.entries(policy.doc.vars ?? {})) {
    const value = await evaluateExpression(text, event, bindings, { ...where, param: `vars.${name}` });
    vars[name] = value;
    bindings[name] = value;
  }
  return { triggered: true, vars, bindings };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one policy for one event: trigger, filter, vars, then each step in order through the
 * registry, exactly once per (policy, event id) in live runs.
 *
 * @example
 * const result = await runPolicy(policy, event, { registry, dryRun: true });
 * result.calls // the mutating calls a live run would make
 */
export async function runPolicy(policy: LoadedPolicy, event: EventBridgeEvent, options: RunOptions): Promise<RunResult> {
  const doc = policy.doc;
  if (doc.enabled === false) throw new CaretakerError(`policy ${doc.name} is disabled (enabled: false); enable it to run it`);
  const dryRun = options.dryRun === true || doc.mode === "dry-run";
  const log = options.log ?? quietLog;
  const clients = options.clients ?? createClients({ dryRun });
  const callsBefore = clients.recorder.calls.length;
  const result: RunResult = {
    policy: doc.name, version: policy.version, eventId: event.id, dryRun, triggered: false, steps: [], calls: [],
    state: dryRun ? "none" : (options.state ?? sharedMemoryState).kind,
  };
  const trigger = await evaluateTrigger(policy, event, options.env ?? process.env);
  result.vars = trigger.vars;
  if (!trigger.triggered) {
    result.reason = trigger.reason;
    log.run({ policy: doc.name, version: policy.version, eventId: event.id, triggered: false, reason: trigger.reason, dryRun });
    return result;
  }
  result.triggered = true;

  const state = dryRun ? undefined : options.state ?? sharedMemoryState;
  const key = `${doc.name}#${event.id}`;
  const owner = randomUUID();
  let checkpoints = new Map<number, StepCheckpoint>();
  if (state) {
    const claim = await state.claim(key, owner, options.leaseMs ?? 15 * 60_000);
    if (claim.status === "completed") {
      result.reason = "duplicate";
      result.steps = ((claim.summary as { steps?: StepResult[] })?.steps ?? []).map((s) => ({ ...s, resumed: true }));
      log.run({ policy: doc.name, version: policy.version, eventId: event.id, triggered: true, duplicate: true, dryRun });
      return result;
    }
    if (claim.status === "in-progress") {
      throw new InProgressError(`policy ${doc.name} is already running for event ${event.id} (claim held until ${new Date(claim.leaseUntil).toISOString()}); this delivery will be retried`);
    }
    checkpoints = claim.checkpoints;
  }

  const bindings = trigger.bindings;
  const steps = bindings.steps as Record<string, unknown>;
  const base = { policy: doc.name, version: policy.version, eventId: event.id, dryRun };
  try {
    for (const [index, step] of doc.actions.entries()) {
      clients.recorder.step = index;
      const stepResult: StepResult = { index, type: step.type, id: step.id ?? null, status: "ok" };
      const saved = checkpoints.get(index);
      if (saved && saved.status !== "failed") {
        Object.assign(stepResult, saved, { resumed: true });
      } else {
        const remember = state ? <T>(value: T) => state.remember(key, index, value) : undefined;
        await runStep(policy, step, index, event, bindings, stepResult, { ...options, clients, remember });
        if (state && stepResult.status !== "failed") await state.checkpoint(key, owner, index, { status: stepResult.status, output: stepResult.output });
      }
      result.steps.push(stepResult);
      if (step.id && stepResult.status === "ok") steps[step.id] = stepResult.output;
      log.step({ ...base, step: index, type: step.type, id: step.id ?? null, status: stepResult.status, resumed: stepResult.resumed ?? false, ...(stepResult.error ? { error: stepResult.error } : {}), output: stepResult.output });
      if (stepResult.status === "failed" && (step["on-error"] ?? "stop") === "stop") {
        throw new StepError(`policy ${doc.name}, step ${index} (${step.type}) failed: ${stepResult.error}`, doc.name, index, step.type);
      }
    }
  } catch (error) {
    result.calls = clients.recorder.calls.slice(callsBefore);
    log.run({ ...base, triggered: true, status: "failed", error: errorMessage(error), steps: result.steps.map(({ output: _o, ...s }) => s), ...callsForLog(result.calls) });
    if (state) await state.release(key, owner, errorMessage(error)).catch(() => undefined);
    if (error instanceof StepError) Object.assign(error, { result });
    throw error;
  } finally {
    clients.recorder.step = null;
  }
  result.calls = clients.recorder.calls.slice(callsBefore);
  // Statuses only: outputs live in the step checkpoints and may be large.
  if (state) await state.complete(key, owner, { steps: result.steps.map(({ resumed: _r, output: _o, ...s }) => s) });
  log.run({ ...base, triggered: true, status: "ok", steps: result.steps.map(({ output: _o, ...s }) => s), ...callsForLog(result.calls) });
  return result;
}

async function runStep(policy: LoadedPolicy, step: LoadedPolicy["doc"]["actions"][number], index: number, event: EventBridgeEvent, bindings: Record<string, unknown>, out: StepResult, options: RunOptions & { clients: Clients; remember?: <T>(value: T) => Promise<T> }): Promise<void> {
  const where = { policy: policy.doc.name, step: index };
  try {
    if (step.if !== undefined && !(await evaluateExpression(step.if, event, bindings, { ...where, param: "if" }))) {
      out.status = "skipped";
      return;
    }
    const action = options.registry.get(step.type);
    if (!action) throw new CaretakerError(`unknown action type ${step.type}`);
    const rendered = (await renderTemplates(step.with ?? {}, event, bindings, where)) as Record<string, unknown>;
    const params = checkRenderedParams(action, rendered, where);
    const context = assembleActionContext({
      clients: options.clients,
      policy: { name: policy.doc.name, version: policy.version },
      event: { id: event.id, time: event.time },
      maxResources: policy.doc.limits?.["max-resources"],
      progress: options.progress,
      remember: options.remember,
      evaluate: (expression, input) => evaluateExpression(expression, input, bindings, { ...where, param: "with" }),
    });
    out.output = await action.run(params as never, context);
  } catch (error) {
    if (error instanceof InProgressError) throw error;
    out.status = "failed";
    out.error = errorMessage(error);
  }
}
