import type { ActionContext, ActionLogger } from "./action-contract.ts";
import type { Clients } from "./clients.ts";
import { LimitError } from "./errors.ts";
import { evaluateExpression } from "./expressions.ts";

export const DEFAULT_MAX_RESOURCES = 1000;

/** The tags every resource Caretaker creates carries. */
export function caretakerTags(policy: { name: string; version: string }, eventId: string): Record<string, string> {
  return {
    "caretaker:managed": "true",
    "caretaker:policy": policy.name,
    "caretaker:version": policy.version,
    "caretaker:event-id": eventId,
  };
}

const silentLogger: ActionLogger = { info() {}, warn() {} };

/** Builds the context an action runs with. */
export function assembleActionContext(input: {
  clients: Clients;
  policy: { name: string; version: string };
  event: { id: string; time: string };
  maxResources?: number;
  log?: ActionLogger;
  progress?: ActionContext["progress"];
  remember?: ActionContext["remember"];
  evaluate?: ActionContext["evaluate"];
}): ActionContext {
  const maxResources = input.maxResources ?? DEFAULT_MAX_RESOURCES;
  return {
    clients: input.clients,
    policy: input.policy,
    event: input.event,
    now: new Date(input.event.time),
    tags: caretakerTags(input.policy, input.event.id),
    maxResources,
    assertWithinLimit(count, what) {
      if (count > maxResources) throw new LimitError(what, count, maxResources);
    },
    log: input.log ?? silentLogger,
    progress: input.progress ?? (() => {}),
    remember: input.remember ?? (async (value) => value),
    evaluate: input.evaluate ?? ((expression, value) => evaluateExpression(expression, value, { now: input.event.time }, { policy: input.policy.name })),
  };
}
