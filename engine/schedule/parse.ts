import { parseCron } from "./parse-cron.ts";
import { parseRate } from "./parse-rate.ts";
import { SCHEDULE_PROBLEM, type ParsedSchedule, type ScheduleProblem } from "./types.ts";

const EXAMPLES = "e.g. cron(0 2 * * ? *) or rate(1 day)";

/**
 * Parses an EventBridge rule schedule expression. Never throws: an invalid expression yields
 * every problem EventBridge would reject it for, each saying what to do.
 *
 * @example
 * const parsed = parseSchedule("cron(0 2 * * ? *)");
 * if (parsed.ok && parsed.schedule.kind === "cron") parsed.schedule.hours; // [2]
 * parseSchedule("rate(5 minute)"); // { ok: false, problems: [{ id: "rate-unit-number", ... }] }
 */
export function parseSchedule(expression: unknown): ParsedSchedule {
  const problems: ScheduleProblem[] = [];
  if (typeof expression !== "string") {
    problems.push({ id: SCHEDULE_PROBLEM.syntax, message: `a schedule must be a string, ${EXAMPLES}` });
    return { ok: false, problems };
  }
  const match = /^(cron|rate)\((.*)\)$/s.exec(expression);
  if (!match) {
    problems.push({ id: SCHEDULE_PROBLEM.syntax, message: syntaxAdvice(expression) });
    return { ok: false, problems };
  }
  const body = match[2]!;
  const schedule = match[1] === "cron" ? parseCron(expression, body, problems) : parseRate(expression, body, problems);
  return schedule ? { ok: true, schedule } : { ok: false, problems };
}

function syntaxAdvice(expression: string): string {
  const base = `"${expression}" is not a schedule expression; write cron(minutes hours day-of-month month day-of-week year) or rate(value unit), ${EXAMPLES}`;
  if (expression !== expression.trim()) return `${base}; remove the spaces around it`;
  if (/^(cron|rate)\s*\(/i.test(expression)) return `${base}; write cron( or rate( in lowercase with no space before "(" and close it with ")"`;
  if (/^at\(/i.test(expression)) return `${base}; at() one-time schedules exist only in EventBridge Scheduler, not in rules`;
  if (/^\S+(\s+\S+){4,5}$/.test(expression)) return `${base}; wrap the fields in cron(...), six of them with "?" in one day field`;
  return base;
}
