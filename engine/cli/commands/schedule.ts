import { UsageError } from "../../errors.ts";
import { nextFireTimes, validateSchedule } from "../../schedule/index.ts";
import { EXIT, type CliCommand } from "../command.ts";
import { findPolicy, loadFromArgs, policiesOption } from "../policy-args.ts";

const DEFAULT_COUNT = 5;
// Guards memory when someone asks for "all" fire times of an every-minute schedule.
const MAX_COUNT = 100_000;
// Policy names never hold "(" or spaces; expressions always do.
const EXPRESSION_LIKE = /[(\s]/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * `--after`: an ISO 8601 date or date-time. Without an offset it is UTC, like every schedule,
 * never the machine's local time; impossible dates (02-30) are refused rather than rolled over.
 */
export function parseInstant(text: string): Date {
  const match = ISO_INSTANT.exec(text);
  const bad = () => new UsageError(`--after ${text} is not an ISO 8601 instant; write e.g. 2026-01-31T02:00:00Z (UTC when no offset is given)`);
  if (!match) throw bad();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const ms = Number((match[7] ?? "0").padEnd(3, "0"));
  const zone = (match[8] ?? "Z").toUpperCase();
  const offsetMinutes = zone === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || Math.abs(offsetMinutes) >= 24 * 60) {
    throw bad();
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
}

function parseCount(value: unknown): number {
  if (value === undefined) return DEFAULT_COUNT;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_COUNT) {
    throw new UsageError(`--count ${text} must be a whole number from 1 to ${MAX_COUNT}`);
  }
  return Number(text);
}

function formatInstant(time: Date): string {
  return time.toISOString().replace(/\.000Z$/, "Z");
}

export const scheduleCommand: CliCommand = {
  name: "schedule",
  summary: "Print the next fire times, in UTC, of a policy's schedule or of a cron()/rate() expression",
  usage: `schedule POLICY|EXPR [--after ISO] [--count N] [--policies DIR]   (EXPR e.g. "cron(0 2 * * ? *)", quoted; default --count ${DEFAULT_COUNT}, --after now)`,
  options: { ...policiesOption, after: { type: "string" }, count: { type: "string" } },
  async run({ positionals, values, io, registry }) {
    if (positionals.length !== 1) {
      const unquoted = /^(cron|rate)\(/.test(positionals[0] ?? "") ? `; quote the expression so the shell keeps it whole: "cron(0 2 * * ? *)"` : "";
      throw new UsageError(`give one policy name or one schedule expression${unquoted}`);
    }
    const target = positionals[0]!;
    const count = parseCount(values.count);
    const after = typeof values.after === "string" ? parseInstant(values.after) : new Date();

    let expression: string;
    if (!EXPRESSION_LIKE.test(target)) {
      const policy = findPolicy(loadFromArgs(values, io, registry), target);
      const schedule = policy.doc.trigger.schedule;
      if (schedule === undefined) {
        throw new UsageError(`policy "${target}" is triggered by events, not a schedule, so it has no fire times`);
      }
      expression = schedule;
    } else {
      const problems = validateSchedule(target);
      if (problems.length) throw new UsageError(`${target} is not a valid EventBridge schedule:\n${problems.map((p) => `  ${p}`).join("\n")}`);
      expression = target;
    }

    const times = nextFireTimes(expression, after, count);
    for (const time of times) io.out(formatInstant(time));
    if (times.length < count) {
      io.err(`note: ${expression} fires ${times.length === 0 ? "no more times" : `only ${times.length} more time${times.length === 1 ? "" : "s"}`} after ${formatInstant(after)} (EventBridge's years end at 2199)`);
    }
    return EXIT.ok;
  },
};
