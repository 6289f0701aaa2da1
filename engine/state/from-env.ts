import { createClients } from "../clients.ts";
import { DynamoDbStateStore } from "./dynamodb-store.ts";
import { MemoryStateStore } from "./memory-store.ts";
import type { StateStore } from "./store.ts";

/** DynamoDB when CARETAKER_STATE_TABLE names a table, else this process's memory. */
export function stateStoreFromEnv(env: NodeJS.ProcessEnv): StateStore {
  const table = env.CARETAKER_STATE_TABLE;
  // State I/O is never dry-run: recording a claim is the engine's own bookkeeping, not a planned effect.
  return table ? new DynamoDbStateStore(createClients().dynamodb, table) : new MemoryStateStore();
}
