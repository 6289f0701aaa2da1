import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CaretakerError, StepError, UsageError } from "../../errors.ts";
import { assertEvent, scheduledEvent } from "../../events.ts";
import { runPolicy, type RunResult } from "../../runner.ts";
import { createClients } from "../../clients.ts";
import { stateStoreFromEnv } from "../../state/from-env.ts";
import { EXIT, type CliCommand } from "../command.ts";
import { formatRun } from "../../format-run.ts";
import { findPolicy, loadFromArgs, policiesOption } from "../policy-args.ts";
import { terminalProgress } from "../../progress.ts";

function readEvent(path: string, cwd: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --event ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CaretakerError(`--event ${path} is not JSON: ${(error as Error).message}`);
  }
}

export const runCommand: CliCommand = {
  name: "run",
  summary: "Run one policy locally for an event (--event FILE) or a schedule instant (--at ISO)",
  usage: "run POLICY (--event FILE | --at ISO) [--dry-run] [--json] [--policies DIR]",
  options: { ...policiesOption, event: { type: "string" }, at: { type: "string" }, "dry-run": { type: "boolean" }, json: { type: "boolean" } },
  async run({ positionals, values, io, registry }) {
    if (positionals.length !== 1) throw new UsageError("name exactly one policy");
    if ((values.event === undefined) === (values.at === undefined)) throw new UsageError("give exactly one of --event FILE or --at ISO");
    const policy = findPolicy(loadFromArgs(values, io, registry), positionals[0]);
    let event;
    if (typeof values.at === "string") {
      const at = new Date(values.at);
      if (Number.isNaN(at.getTime())) throw new UsageError(`--at ${values.at} is not an ISO instant, e.g. 2026-01-31T02:00:00Z`);
      event = scheduledEvent(policy.doc.name, at);
    } else {
      event = assertEvent(readEvent(String(values.event), io.cwd));
    }
    const dryRun = values["dry-run"] === true;
    const state = stateStoreFromEnv(io.env);
    if (!values.json && !dryRun && state.kind === "memory") {
      io.err("note: CARETAKER_STATE_TABLE is not set; exactly-once state is kept in memory for this run only");
    }
    let result: RunResult;
    let failed = false;
    const progress = io.isTTY && !values.json ? terminalProgress() : undefined;
    try {
      result = await runPolicy(policy, event, {
        registry, dryRun, state, env: io.env, clients: createClients({ dryRun: dryRun || policy.doc.mode === "dry-run" }),
        progress,
      });
    } catch (error) {
      const partial = (error as { result?: RunResult }).result;
      if (!(error instanceof StepError) || !partial) throw error;
      result = partial;
      failed = true;
    } finally {
      progress?.end();
    }
    if (values.json) {
      const { eventId: _e, vars: _v, reason: _r, ...rest } = result;
      io.out(JSON.stringify({ ...rest, state: result.state }, null, 2));
    } else {
      for (const line of formatRun(result)) io.out(line);
    }
    return failed ? EXIT.failure : EXIT.ok;
  },
};
