import { assembleIamPolicy, formatIamPolicy, usedActions } from "../../../deploy/iam.ts";
import { DEFAULT_STATE_TABLE, iamContext } from "../../../deploy/iam-context.ts";
import { templateIamContext } from "../../../deploy/template.ts";
import { UsageError } from "../../errors.ts";
import type { CliCommand } from "../command.ts";
import { loadFromArgs, policiesOption } from "../policy-args.ts";

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `caretaker iam [--json]`: the least-privilege IAM policy document for the policies' actions. */
export const iamCommand: CliCommand = {
  name: "iam",
  summary: "Print the least-privilege IAM policy for the policies' actions",
  usage: "iam [--json] [--policies DIR] [--account ID] [--region R] [--partition P] [--state-table NAME|ARN] [--function-name NAME] [--env NAME=VALUE]...",
  options: {
    ...policiesOption,
    json: { type: "boolean" },
    account: { type: "string" },
    region: { type: "string" },
    partition: { type: "string" },
    "state-table": { type: "string" },
    "function-name": { type: "string" },
    env: { type: "string", multiple: true },
  },
  async run({ values, io, registry }) {
    const policies = loadFromArgs(values, io, registry);
    // Only values the user states: the shell's environment is not the function's.
    const env: Record<string, string> = {};
    for (const pair of Array.isArray(values.env) ? values.env : []) {
      const at = pair.indexOf("=");
      if (at < 1) throw new UsageError(`--env takes NAME=VALUE, not "${pair}"`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const stateTable = text(values["state-table"]) ?? text(io.env.CARETAKER_STATE_TABLE);
    const functionName = text(values["function-name"]);
    const concrete = ["account", "region", "partition"].some((k) => text(values[k]) !== undefined);
    // Without concrete values the output is the template's own role policy, ready for its Fn::Sub.
    const ctx = concrete
      ? iamContext({ account: text(values.account), region: text(values.region), partition: text(values.partition), stateTable: stateTable ?? DEFAULT_STATE_TABLE, functionName, env })
      : templateIamContext(policies, { stateTable, functionName, env });
    const doc = assembleIamPolicy(policies, registry, ctx);
    if (values.json === true) {
      io.out(JSON.stringify(doc, null, 2));
      return 0;
    }
    for (const [type, names] of usedActions(policies)) io.out(`${type}: used by ${names.join(", ")}`);
    io.out("");
    for (const line of formatIamPolicy(doc)) io.out(line);
    io.out("");
    io.out(concrete ? `${doc.Statement.length} statements` : `${doc.Statement.length} statements, as in the template's role; \${...} are filled in by its Fn::Sub (or pass --account, --region, --partition)`);
    return 0;
  },
};
