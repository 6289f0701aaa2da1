import { parseSchedule } from "./parse.ts";

/**
 * Every reason EventBridge would reject this rule schedule expression, each message saying
 * what to do; empty when it accepts it.
 *
 * @example
 * validateSchedule("cron(0 2 * * ? *)"); // []
 * validateSchedule("cron(0 2 * * *)");
 * // ['cron() needs 6 fields (minutes hours day-of-month month day-of-week year), found 5; ...']
 */
export function validateSchedule(expr: string): string[] {
  const parsed = parseSchedule(expr);
  return parsed.ok ? [] : parsed.problems.map((problem) => problem.message);
}
