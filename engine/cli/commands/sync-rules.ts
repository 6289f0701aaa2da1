import { createClients, type Clients } from "../../clients.ts";
import { UsageError } from "../../errors.ts";
import { EVENTBRIDGE_LIMITS } from "../../../deploy/assemble-rules.ts";
import { countPlan, formatPlanEntry, formatSummary } from "../../../deploy/format-plan.ts";
import { DEFAULT_PREFIX } from "../../../deploy/rule-model.ts";
import { syncRules } from "../../../deploy/sync-rules.ts";
import { EXIT, type CliCommand } from "../command.ts";
import { loadFromArgs, policiesOption } from "../policy-args.ts";

function stringValue(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function patternQuota(value: unknown): number | undefined {
  const text = stringValue(value);
  if (text === undefined) return undefined;
  const quota = Number(text);
  if (!Number.isInteger(quota) || quota < 1 || quota > EVENTBRIDGE_LIMITS.eventPatternLengthMax) {
    throw new UsageError(`--pattern-quota must be an integer from 1 to ${EVENTBRIDGE_LIMITS.eventPatternLengthMax}, not "${text}"`);
  }
  return quota;
}

/**
 * `caretaker sync-rules`, with the clients it talks to supplied by the caller (tests count
 * their write calls).
 *
 * @example
 * const command = createSyncRulesCommand(() => createClients());
 */
export function createSyncRulesCommand(makeClients: () => Clients): CliCommand {
  return {
    name: "sync-rules",
    summary: "Make EventBridge hold exactly the rules the policies describe",
    usage: "sync-rules [--dry-run] [--check] [--target ARN] [--prefix P] [--policies DIR] [--pattern-quota N]",
    options: {
      ...policiesOption,
      "dry-run": { type: "boolean" },
      check: { type: "boolean" },
      target: { type: "string" },
      prefix: { type: "string" },
      "pattern-quota": { type: "string" },
    },
    async run({ values, io, registry }) {
      const prefix = typeof values.prefix === "string" ? values.prefix : DEFAULT_PREFIX;
      if (!EVENTBRIDGE_LIMITS.ruleName.test(prefix)) {
        throw new UsageError(`--prefix "${prefix}": rule names may only hold letters, digits, ".", "-" and "_"`);
      }
      const check = values.check === true;
      const policies = loadFromArgs(values, io, registry);
      const result = await syncRules(policies, makeClients().eventBridge, {
        prefix,
        targetArn: stringValue(values.target) ?? stringValue(io.env.CARETAKER_TARGET_ARN),
        dlqArn: stringValue(io.env.CARETAKER_DLQ_ARN),
        eventPatternLength: patternQuota(values["pattern-quota"]),
        dryRun: check || values["dry-run"] === true,
      });
      for (const entry of result.plan.entries) io.out(formatPlanEntry(entry));
      io.out(formatSummary(result.applied ?? countPlan(result.plan), result.applied !== undefined));
      if (check && result.changes) return EXIT.drift;
      return EXIT.ok;
    },
  };
}

export const syncRulesCommand: CliCommand = createSyncRulesCommand(() => createClients());
