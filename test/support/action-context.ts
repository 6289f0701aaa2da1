import type { ActionContext } from "../../engine/action-contract.ts";
import { createClients, type ClientOptions } from "../../engine/clients.ts";
import { assembleActionContext } from "../../engine/run-context.ts";

/** An action context against moto (or an injected request handler) for action tests. */
export function testContext(overrides: {
  time?: string;
  eventId?: string;
  policy?: { name: string; version: string };
  maxResources?: number;
  clientOptions?: ClientOptions;
} = {}): ActionContext {
  return assembleActionContext({
    clients: createClients(overrides.clientOptions),
    policy: overrides.policy ?? { name: "test-policy", version: "0123456789ab" },
    event: { id: overrides.eventId ?? "11111111-2222-3333-4444-555555555555", time: overrides.time ?? new Date().toISOString() },
    maxResources: overrides.maxResources,
  });
}
