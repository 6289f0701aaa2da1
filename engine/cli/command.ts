import type { ActionRegistry } from "../action-contract.ts";

/** Where a command writes; tests pass their own. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

export type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string; default?: string | boolean }>;

export interface CommandInput {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  io: CliIO;
  registry: ActionRegistry;
}

/** A CLI sub-command. `run` returns the exit code; it throws for failures (the entry maps them). */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  run(input: CommandInput): Promise<number>;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, drift: 3 } as const;
