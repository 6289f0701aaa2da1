/**
 * One Lambda invocation in its own process, for the crash tests: runs a policy file against an
 * event with the DynamoDB state store and prints progress as JSON lines, so the parent can
 * SIGKILL it at a chosen point. Input through the environment: CRASH_POLICY (file),
 * CRASH_EVENT (JSON), CRASH_STATE_TABLE, CRASH_LEASE_MS.
 */
import { registry } from "../../actions/index.ts";
import { createClients } from "../../engine/clients.ts";
import { assertEvent } from "../../engine/events.ts";
import { loadPoliciesOrThrow } from "../../engine/policy/load.ts";
import { runPolicy } from "../../engine/runner.ts";
import { DynamoDbStateStore } from "../../engine/state/dynamodb-store.ts";

const env = process.env;
const policy = loadPoliciesOrThrow([env.CRASH_POLICY!], registry)[0]!;
const event = assertEvent(JSON.parse(env.CRASH_EVENT!));
const state = new DynamoDbStateStore(createClients().dynamodb, env.CRASH_STATE_TABLE!);
const say = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);
try {
  const result = await runPolicy(policy, event, {
    registry, state, env, leaseMs: Number(env.CRASH_LEASE_MS ?? 2000),
    progress: (done, total, what) => say({ progress: what, done, total }),
  });
  say({ result: { reason: result.reason ?? null, steps: result.steps } });
} catch (error) {
  say({ error: (error as Error).name, message: (error as Error).message });
  process.exitCode = 1;
}
