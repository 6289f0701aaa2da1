import { CaretakerError } from "../errors.ts";
import { matchingDays } from "./days.ts";
import { parseSchedule } from "./parse.ts";
import type { CronSchedule, RateSchedule } from "./types.ts";

const MINUTE_MS = 60_000;

/**
 * The next `count` times, in UTC, an EventBridge rule with this schedule fires strictly after
 * `after`. Cron times fall on whole minutes and end with the year field's last value (at most
 * 2199), so an expression that rarely or never fires returns fewer times, even none.
 *
 * A rate schedule runs from when its rule is created; EventBridge does not align it to the
 * clock. Here `after` stands for that moment: the times are `after + k * period`, k = 1..count.
 *
 * Throws a `CaretakerError` for an invalid expression (check `validateSchedule` first), an
 * invalid date, or a count that is not a whole number >= 0.
 *
 * @example
 * nextFireTimes("cron(0 2 * * ? *)", new Date("2026-12-03T17:00:00Z"), 2);
 * // [2026-12-04T02:00:00.000Z, 2026-12-05T02:00:00.000Z]
 * nextFireTimes("rate(6 hours)", new Date("2026-12-03T17:00:00Z"), 1);
 * // [2026-12-03T23:00:00.000Z]
 */
export function nextFireTimes(expr: string, after: Date, count: number): Date[] {
  if (!(after instanceof Date) || Number.isNaN(after.getTime())) {
    throw new CaretakerError(`nextFireTimes: "after" must be a valid Date`);
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new CaretakerError(`nextFireTimes: count must be a whole number >= 0, got ${count}`);
  }
  const parsed = parseSchedule(expr);
  if (!parsed.ok) {
    throw new CaretakerError(`invalid schedule ${JSON.stringify(expr)}: ${parsed.problems.map((p) => p.message).join("; ")}`);
  }
  const schedule = parsed.schedule;
  return schedule.kind === "rate" ? rateTimes(schedule, after, count) : take(cronTimes(schedule, after), count);
}

function rateTimes(schedule: RateSchedule, after: Date, count: number): Date[] {
  return Array.from({ length: count }, (_, k) => new Date(after.getTime() + (k + 1) * schedule.periodMs));
}

function take(times: Iterable<Date>, count: number): Date[] {
  const out: Date[] = [];
  if (count === 0) return out;
  for (const time of times) {
    out.push(time);
    if (out.length === count) break;
  }
  return out;
}

/**
 * Every fire time of a cron schedule strictly after `after`, ascending. It walks the expanded
 * fields from the year down, skipping whole years, months and days that can't match, so a
 * rare or impossible schedule costs at most one step per month up to 2199.
 *
 * @example
 * const [first] = cronTimes(schedule, new Date());
 */
export function* cronTimes(schedule: CronSchedule, after: Date): Generator<Date> {
  const start = new Date(Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const startYear = start.getUTCFullYear();
  const startMonth = start.getUTCMonth() + 1;
  const startDay = start.getUTCDate();
  const startHour = start.getUTCHours();
  const startMinute = start.getUTCMinutes();

  // `*Free` means an earlier field is already past the start, so this one may take any value.
  for (const year of schedule.years) {
    if (year < startYear) continue;
    const yearFree = year > startYear;
    for (const month of schedule.months) {
      if (!yearFree && month < startMonth) continue;
      const monthFree = yearFree || month > startMonth;
      for (const day of matchingDays(schedule, year, month)) {
        if (!monthFree && day < startDay) continue;
        const dayFree = monthFree || day > startDay;
        for (const hour of schedule.hours) {
          if (!dayFree && hour < startHour) continue;
          const hourFree = dayFree || hour > startHour;
          for (const minute of schedule.minutes) {
            if (!hourFree && minute < startMinute) continue;
            yield new Date(Date.UTC(year, month - 1, day, hour, minute));
          }
        }
      }
    }
  }
}
