import type { CronSchedule } from "./types.ts";

const SUN = 1;
const SAT = 7;

/** Days in `month` (1-12) of `year`, leap years included. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** EventBridge's day of the week (1 = SUN ... 7 = SAT) of a date. */
export function dayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/**
 * The days of `month` in `year` a cron schedule fires on, ascending. Exactly one of the day
 * fields is "?" (any), so the other one alone decides.
 */
export function matchingDays(schedule: CronSchedule, year: number, month: number): number[] {
  const last = daysInMonth(year, month);
  const firstDow = dayOfWeek(year, month, 1);
  const dowOf = (day: number) => ((firstDow - 1 + day - 1) % 7) + 1;
  const dom = schedule.dayOfMonth;
  const dow = schedule.dayOfWeek;

  switch (dom.kind) {
    case "days":
      return dom.days.filter((day) => day <= last);
    case "last":
      return [last];
    case "last-weekday": {
      const lastDow = dowOf(last);
      return [lastDow === SAT ? last - 1 : lastDow === SUN ? last - 2 : last];
    }
    case "nearest-weekday": {
      // A month without that day (30W in February) has no nearest weekday to it.
      if (dom.day > last) return [];
      const d = dowOf(dom.day);
      // The nearest weekday stays inside the month: 1W on a Saturday is Monday the 3rd.
      if (d === SAT) return [dom.day === 1 ? 3 : dom.day - 1];
      if (d === SUN) return [dom.day === last ? dom.day - 2 : dom.day + 1];
      return [dom.day];
    }
    case "any":
      break;
  }

  switch (dow.kind) {
    case "days":
      return range(1, last).filter((day) => dow.days.includes(dowOf(day)));
    case "last-of-month":
      return [last - ((dowOf(last) - dow.day + 7) % 7)];
    case "nth": {
      const first = 1 + ((dow.day - firstDow + 7) % 7);
      const day = first + 7 * (dow.nth - 1);
      return day <= last ? [day] : [];
    }
    case "any":
      return range(1, last);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
