import type { CliCommand } from "../command.ts";
import { buildCommand } from "./build.ts";
import { iamCommand } from "./iam.ts";
import { listCommand } from "./list.ts";
import { runCommand } from "./run.ts";
import { scheduleCommand } from "./schedule.ts";
import { syncRulesCommand } from "./sync-rules.ts";
import { testCommand } from "./test.ts";
import { validateCommand } from "./validate.ts";

/** Every sub-command, in the order `caretaker --help` lists them. */
export const commands: CliCommand[] = [validateCommand, testCommand, runCommand, syncRulesCommand, scheduleCommand, iamCommand, buildCommand, listCommand];
