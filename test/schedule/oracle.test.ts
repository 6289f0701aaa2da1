// Cross-checks the field-skipping search against a plain day-by-day scan that decides each day
// from the written definitions of L, LW, W, L and # (not from engine/schedule/days.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextFireTimes, parseSchedule, type CronSchedule } from "../../engine/schedule/index.ts";

const DAY_MS = 86_400_000;

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}
const isWeekday = (dow: number) => dow >= 2 && dow <= 6;

function dayMatches(s: CronSchedule, year: number, month: number, day: number): boolean {
  const last = lastDay(year, month);
  const dow = weekday(year, month, day);
  const dom = s.dayOfMonth;
  switch (dom.kind) {
    case "days":
      return dom.days.includes(day);
    case "last":
      return day === last;
    case "last-weekday": {
      if (!isWeekday(dow)) return false;
      for (let later = day + 1; later <= last; later++) if (isWeekday(weekday(year, month, later))) return false;
      return true;
    }
    case "nearest-weekday": {
      if (dom.day > last || !isWeekday(dow)) return false;
      // The weekday of this month closest to the target day.
      let best = 0;
      for (let d = 1; d <= last; d++) {
        if (isWeekday(weekday(year, month, d)) && (best === 0 || Math.abs(d - dom.day) < Math.abs(best - dom.day))) best = d;
      }
      return day === best;
    }
    case "any":
      break;
  }
  const spec = s.dayOfWeek;
  switch (spec.kind) {
    case "any":
      return true;
    case "days":
      return spec.days.includes(dow);
    case "last-of-month":
      return dow === spec.day && day + 7 > last;
    case "nth":
      return dow === spec.day && Math.ceil(day / 7) === spec.nth;
  }
}

function scan(s: CronSchedule, after: Date, count: number, until: Date): string[] {
  const out: string[] = [];
  for (let t = Math.floor(after.getTime() / DAY_MS) * DAY_MS; t <= until.getTime(); t += DAY_MS) {
    const date = new Date(t);
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (!s.years.includes(y) || !s.months.includes(m) || !dayMatches(s, y, m, d)) continue;
    for (let h = 0; h < 24; h++) {
      for (let min = 0; min < 60; min++) {
        const at = t + h * 3_600_000 + min * 60_000;
        if (at <= after.getTime() || at > until.getTime() || !s.hours.includes(h) || !s.minutes.includes(min)) continue;
        out.push(new Date(at).toISOString());
        if (out.length === count) return out;
      }
    }
  }
  return out;
}

const dayFields = fc.oneof(
  fc.constantFrom("*", "1", "15", "29", "30", "31", "L", "LW", "1W", "15W", "30W", "31W", "1-7", "28-3", "1/10").map((dom) => [dom, "?"] as const),
  fc.constantFrom("*", "1", "7", "MON-FRI", "FRI-MON", "L", "6L", "1L", "2#1", "3#5", "7#4", "1,7").map((dow) => ["?", dow] as const),
);
const expression = fc
  .record({
    minutes: fc.constantFrom("*", "0", "0/15", "5,35", "10-20", "50-10", "*/7"),
    hours: fc.constantFrom("*", "0", "8-17", "20-2", "22-2/2", "0/6", "3,15"),
    days: dayFields,
    month: fc.constantFrom("*", "2", "NOV-FEB", "JAN,JUL", "1/3", "6"),
    year: fc.constantFrom("*", "2026-2028", "2027", "2026/2", "2030"),
  })
  .map(({ minutes, hours, days, month, year }) => `cron(${minutes} ${hours} ${days[0]} ${month} ${days[1]} ${year})`);

describe("nextFireTimes agrees with a day-by-day scan", () => {
  it("for generated cron expressions", () => {
    fc.assert(
      fc.property(
        expression,
        fc.date({ min: new Date("2025-06-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 6 }),
        (expr, after, count) => {
          const parsed = parseSchedule(expr);
          if (!parsed.ok || parsed.schedule.kind !== "cron") throw new Error(`generated an invalid expression ${expr}`);
          const until = new Date(after.getTime() + 8 * 366 * DAY_MS);
          const fast = nextFireTimes(expr, after, count).filter((d) => d <= until).map((d) => d.toISOString());
          expect(fast).toEqual(scan(parsed.schedule, after, count, until));
        },
      ),
      { numRuns: 400 },
    );
  });
});
