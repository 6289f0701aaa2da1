import type { CliIO } from "../../engine/cli/command.ts";
import { main } from "../../engine/cli/main.ts";

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (line) => out.push(...line.split("\n")),
    err: (line) => err.push(...line.split("\n")),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, out, err };
}
