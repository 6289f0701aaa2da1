import { resolve } from "node:path";
import type { ActionRegistry } from "../action-contract.ts";
import { UsageError } from "../errors.ts";
import { loadPoliciesOrThrow } from "../policy/load.ts";
import type { LoadedPolicy } from "../policy/types.ts";
import type { CliIO, OptionSpec } from "./command.ts";

export const policiesOption: OptionSpec = { policies: { type: "string" } };

/** The policy folder: --policies DIR, default ./policies. */
export function policiesDir(values: Record<string, unknown>, io: CliIO): string {
  return resolve(io.cwd, typeof values.policies === "string" ? values.policies : "policies");
}

/** The paths a command was given, or the policy folder when none. */
export function pathsFromArgs(positionals: string[], values: Record<string, unknown>, io: CliIO): string[] {
  return positionals.length ? positionals.map((p) => resolve(io.cwd, p)) : [policiesDir(values, io)];
}

/** Loads the policies of the folder (throws PolicyError listing every problem). */
export function loadFromArgs(values: Record<string, unknown>, io: CliIO, registry: ActionRegistry): LoadedPolicy[] {
  return loadPoliciesOrThrow([policiesDir(values, io)], registry, io.cwd);
}

/** One policy by name, or a usage error listing the names there are. */
export function findPolicy(policies: LoadedPolicy[], name: string | undefined): LoadedPolicy {
  if (!name) throw new UsageError("name a policy");
  const policy = policies.find((p) => p.doc.name === name);
  if (!policy) throw new UsageError(`no policy named "${name}"; policies: ${policies.map((p) => p.doc.name).join(", ") || "(none)"}`);
  return policy;
}
