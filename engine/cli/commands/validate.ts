import { formatProblem } from "../../errors.ts";
import { loadPolicyFiles } from "../../policy/load.ts";
import { EXIT, type CliCommand } from "../command.ts";
import { pathsFromArgs, policiesOption } from "../policy-args.ts";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export const validateCommand: CliCommand = {
  name: "validate",
  summary: "Check policy files: every problem in every file, as file:line:col: message",
  usage: "validate [PATH...] [--policies DIR]",
  options: policiesOption,
  async run({ positionals, values, io, registry }) {
    const paths = pathsFromArgs(positionals, values, io);
    const { policies, problems } = loadPolicyFiles(paths, registry, io.cwd);
    for (const problem of problems) io.out(formatProblem(problem));
    io.out(problems.length
      ? `${plural(problems.length, "problem")} in ${plural(new Set(problems.map((p) => p.file)).size, "file")}`
      : `${policies.length} polic${policies.length === 1 ? "y" : "ies"} valid, 0 problems`);
    return problems.length ? EXIT.failure : EXIT.ok;
  },
};
