import { parseArgs } from "node:util";
import { registry } from "../../actions/index.ts";
import { CaretakerError, PolicyError, UsageError, formatProblem } from "../errors.ts";
import { EXIT, type CliCommand, type CliIO } from "./command.ts";
import { commands } from "./commands/index.ts";

function usage(list: CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    "usage: caretaker <command> [options]",
    "",
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run caretaker <command> --help for a command's options.",
  ].join("\n");
}

/**
 * The CLI: parses arguments, runs one command, maps errors to exit codes.
 * The only place that decides exit codes; commands throw or return.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(usage(commands));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`caretaker: unknown command "${name}"\n${usage(commands)}`);
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(`usage: caretaker ${command.usage}\n\n${command.summary}`);
      return EXIT.ok;
    }
    return await command.run({ positionals, values: values as Record<string, string | boolean | string[] | undefined>, io, registry });
  } catch (error) {
    if (error instanceof PolicyError) {
      for (const problem of error.problems) io.err(formatProblem(problem));
      io.err(`${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}`);
      return EXIT.failure;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`caretaker ${command.name}: ${(error as Error).message}\nusage: caretaker ${command.usage}`);
      return EXIT.usage;
    }
    if (error instanceof CaretakerError) {
      io.err(`caretaker ${command.name}: ${error.message}`);
      return EXIT.failure;
    }
    io.err(`caretaker ${command.name}: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.failure;
  }
}

export function processIO(): CliIO {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}
