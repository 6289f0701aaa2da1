import { loadPoliciesOrThrow } from "../../policy/load.ts";
import { runPolicyTests } from "../../policy-tests.ts";
import { EXIT, type CliCommand } from "../command.ts";
import { pathsFromArgs, policiesOption } from "../policy-args.ts";

export const testCommand: CliCommand = {
  name: "test",
  summary: "Run the tests: of each policy; last line N passed, N failed",
  usage: "test [PATH...] [--policies DIR]",
  options: policiesOption,
  async run({ positionals, values, io, registry }) {
    const paths = pathsFromArgs(positionals, values, io);
    const policies = loadPoliciesOrThrow(paths, registry, io.cwd);
    let passed = 0;
    let failed = 0;
    for (const policy of policies) {
      for (const result of await runPolicyTests(policy)) {
        if (result.passed) passed++;
        else failed++;
        io.out(`${result.passed ? "ok  " : "FAIL"} ${result.policy} › ${result.name}`);
        for (const failure of result.failures) io.out(`       ${failure}`);
      }
    }
    io.out(`${passed} passed, ${failed} failed`);
    return failed ? EXIT.failure : EXIT.ok;
  },
};
