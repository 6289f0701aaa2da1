/** Stable ids of schedule problems; tests and callers match on these, never on message text. */
export const SCHEDULE_PROBLEM = {
  /** Neither `cron(...)` nor `rate(...)`. */
  syntax: "schedule-syntax",
  /** cron() without exactly six fields. */
  fieldCount: "cron-field-count",
  /** A token that is not a number, name, range, list or increment. */
  badToken: "cron-bad-token",
  /** A number or name outside the field's values. */
  outOfRange: "cron-out-of-range",
  /** An increment below 1 or wider than the field. */
  badIncrement: "cron-bad-increment",
  /** A year range whose start is after its end. */
  badRange: "cron-bad-range",
  /** A wildcard the field does not accept (`?` in hours, `L` in minutes, `#` in day-of-month...). */
  wildcardNotAllowed: "cron-wildcard-not-allowed",
  /** `L`, `W` or `#` combined with other values in the same field. */
  specialNotAlone: "cron-special-not-alone",
  /** Day-of-month and day-of-week not exactly one `?`. */
  dayFields: "cron-day-fields",
  /** rate() without exactly a value and a unit. */
  rateSyntax: "rate-syntax",
  /** A rate value that is not a positive whole number. */
  rateValue: "rate-value",
  /** A rate unit other than minute(s), hour(s), day(s). */
  rateUnit: "rate-unit",
  /** Singular unit with a value above 1, or plural with 1. */
  rateUnitNumber: "rate-unit-number",
} as const;

export type ScheduleProblemId = (typeof SCHEDULE_PROBLEM)[keyof typeof SCHEDULE_PROBLEM];

/** One reason EventBridge would reject a schedule expression; `message` says what to do. */
export interface ScheduleProblem {
  id: ScheduleProblemId;
  message: string;
}

/** Which days of a month the day-of-month field selects. */
export type DayOfMonthSpec =
  /** `*` or `?`: every day. */
  | { kind: "any" }
  /** Numbers, ranges, lists and increments, 1-31 (days a month lacks are skipped). */
  | { kind: "days"; days: readonly number[] }
  /** `L`: the last day of the month. */
  | { kind: "last" }
  /** `LW`: the last weekday (Monday-Friday) of the month. */
  | { kind: "last-weekday" }
  /** `15W`: the weekday nearest the 15th, never crossing into another month. */
  | { kind: "nearest-weekday"; day: number };

/** Which days of a month the day-of-week field selects; days are 1 = SUN ... 7 = SAT. */
export type DayOfWeekSpec =
  /** `*` or `?`: every day. */
  | { kind: "any" }
  /** Numbers, names, ranges, lists (and `L` alone, which is 7 = SAT). */
  | { kind: "days"; days: readonly number[] }
  /** `6L`: the last Friday of the month. */
  | { kind: "last-of-month"; day: number }
  /** `3#2`: the second Tuesday of the month. */
  | { kind: "nth"; day: number; nth: number };

/** A valid `cron(...)` expression with every field expanded to sorted values. */
export interface CronSchedule {
  kind: "cron";
  expression: string;
  minutes: readonly number[];
  hours: readonly number[];
  dayOfMonth: DayOfMonthSpec;
  months: readonly number[];
  dayOfWeek: DayOfWeekSpec;
  years: readonly number[];
}

export const RATE_UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type RateUnit = keyof typeof RATE_UNIT_MS;

/** A valid `rate(...)` expression. */
export interface RateSchedule {
  kind: "rate";
  expression: string;
  value: number;
  unit: RateUnit;
  periodMs: number;
}

export type Schedule = CronSchedule | RateSchedule;

/** What `parseSchedule` returns: the schedule, or every problem found. */
export type ParsedSchedule = { ok: true; schedule: Schedule } | { ok: false; problems: ScheduleProblem[] };
