// Schedule cases taken from AWS's documentation. Each names the page whose example or rule it
// exercises; the instants around it (after, expected) were worked out by hand with a calendar.

/** EventBridge User Guide, "Setting a schedule pattern for scheduled rules": examples and CLI examples. */
export const RULES = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html";
/** EventBridge User Guide, cron expressions reference: field values and wildcards. */
export const CRON_REF = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html";
/** EventBridge User Guide, rate expressions reference. */
export const RATE_REF = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html";
/** Earlier EventBridge page with the wrapping-hours example (20-2) and the one-'#' note. */
export const RULE_SCHEDULE = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html";
/** Lambda Developer Guide, schedule expressions: L in day-of-week = Saturday, 5W, 5/10, 2#1, rate(7 days). */
export const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchevents-expressions.html";

export interface FireCase {
  expr: string;
  /** ISO instant; the fire times must be strictly after it. */
  after: string;
  count: number;
  /** ISO instants in UTC; fewer than `count` when the schedule ends (year field, never fires). */
  expected: string[];
  source: string;
  why: string;
}

export const FIRE_CASES: FireCase[] = [
  // --- Examples table and CLI examples of the rules guide ---
  { expr: "cron(0 10 * * ? *)", after: "2026-12-03T09:59:00Z", count: 3, source: RULES, why: "10:00 every day",
    expected: ["2026-12-03T10:00:00Z", "2026-12-04T10:00:00Z", "2026-12-05T10:00:00Z"] },
  { expr: "cron(0 10 * * ? *)", after: "2026-12-03T10:00:00Z", count: 2, source: RULES, why: "the instant itself is excluded",
    expected: ["2026-12-04T10:00:00Z", "2026-12-05T10:00:00Z"] },
  { expr: "cron(0 10 * * ? *)", after: "2026-12-31T10:00:30Z", count: 2, source: RULES, why: "seconds past the minute; year rolls over",
    expected: ["2027-01-01T10:00:00Z", "2027-01-02T10:00:00Z"] },
  { expr: "cron(15 12 * * ? *)", after: "2027-02-28T12:15:00Z", count: 2, source: RULES, why: "12:15 every day, after a common-year February",
    expected: ["2027-03-01T12:15:00Z", "2027-03-02T12:15:00Z"] },
  { expr: "cron(15 12 * * ? *)", after: "2028-02-28T13:00:00Z", count: 2, source: RULES, why: "12:15 every day, leap day included",
    expected: ["2028-02-29T12:15:00Z", "2028-03-01T12:15:00Z"] },
  { expr: "cron(0 18 ? * MON-FRI *)", after: "2026-12-04T18:00:00Z", count: 3, source: RULES, why: "weekdays 18:00; Friday's run excluded, weekend skipped",
    expected: ["2026-12-07T18:00:00Z", "2026-12-08T18:00:00Z", "2026-12-09T18:00:00Z"] },
  { expr: "cron(0 18 ? * MON-FRI *)", after: "2026-12-03T17:59:59Z", count: 3, source: RULES, why: "Thursday, Friday, then Monday",
    expected: ["2026-12-03T18:00:00Z", "2026-12-04T18:00:00Z", "2026-12-07T18:00:00Z"] },
  { expr: "cron(0 8 1 * ? *)", after: "2026-12-03T00:00:00Z", count: 3, source: RULES, why: "08:00 on the 1st of every month",
    expected: ["2027-01-01T08:00:00Z", "2027-02-01T08:00:00Z", "2027-03-01T08:00:00Z"] },
  { expr: "cron(0 8 1 * ? *)", after: "2027-01-01T07:59:59.999Z", count: 1, source: RULES, why: "a millisecond before the run",
    expected: ["2027-01-01T08:00:00Z"] },
  { expr: "cron(0/15 * * * ? *)", after: "2026-12-03T17:07:30Z", count: 4, source: RULES, why: "every 15 minutes on the quarter hours",
    expected: ["2026-12-03T17:15:00Z", "2026-12-03T17:30:00Z", "2026-12-03T17:45:00Z", "2026-12-03T18:00:00Z"] },
  { expr: "cron(0/15 * * * ? *)", after: "2026-12-31T23:45:00Z", count: 2, source: RULES, why: "every 15 minutes across new year",
    expected: ["2027-01-01T00:00:00Z", "2027-01-01T00:15:00Z"] },
  { expr: "cron(0/10 * ? * MON-FRI *)", after: "2026-12-04T23:45:00Z", count: 3, source: RULES, why: "every 10 minutes on weekdays; Friday night to Monday",
    expected: ["2026-12-04T23:50:00Z", "2026-12-07T00:00:00Z", "2026-12-07T00:10:00Z"] },
  { expr: "cron(0/5 8-17 ? * MON-FRI *)", after: "2026-12-03T17:50:00Z", count: 3, source: RULES, why: "last slot 17:55, then 08:00 next weekday",
    expected: ["2026-12-03T17:55:00Z", "2026-12-04T08:00:00Z", "2026-12-04T08:05:00Z"] },
  { expr: "cron(0/5 8-17 ? * MON-FRI *)", after: "2026-12-04T17:55:00Z", count: 2, source: RULES, why: "Friday's last slot done; Monday 08:00",
    expected: ["2026-12-07T08:00:00Z", "2026-12-07T08:05:00Z"] },
  { expr: "cron(0/30 20-2 ? * MON-FRI *)", after: "2026-12-04T22:45:00Z", count: 9, source: RULE_SCHEDULE,
    why: "hours 20-2 wrap past midnight; each field is matched alone, so Saturday 00:00-02:30 is skipped and Monday 00:00-02:30 runs",
    expected: ["2026-12-04T23:00:00Z", "2026-12-04T23:30:00Z", "2026-12-07T00:00:00Z", "2026-12-07T00:30:00Z", "2026-12-07T01:00:00Z",
      "2026-12-07T01:30:00Z", "2026-12-07T02:00:00Z", "2026-12-07T02:30:00Z", "2026-12-07T20:00:00Z"] },
  { expr: "cron(0/30 20-2 ? * MON-FRI *)", after: "2026-12-07T02:30:00Z", count: 2, source: RULE_SCHEDULE, why: "after the early-morning block, the evening one",
    expected: ["2026-12-07T20:00:00Z", "2026-12-07T20:30:00Z"] },
  { expr: "cron(0 12 * * ? *)", after: "2026-12-03T12:00:00Z", count: 2, source: RULES, why: "CLI example: every day at 12:00",
    expected: ["2026-12-04T12:00:00Z", "2026-12-05T12:00:00Z"] },
  { expr: "cron(5,35 14 * * ? *)", after: "2026-12-03T14:05:00Z", count: 3, source: RULES, why: "CLI example: 14:05 and 14:35",
    expected: ["2026-12-03T14:35:00Z", "2026-12-04T14:05:00Z", "2026-12-04T14:35:00Z"] },
  { expr: "cron(15 10 ? * 6L 2019-2022)", after: "2019-01-01T00:00:00Z", count: 3, source: RULES, why: "CLI example: last Friday of each month, 2019-2022",
    expected: ["2019-01-25T10:15:00Z", "2019-02-22T10:15:00Z", "2019-03-29T10:15:00Z"] },
  { expr: "cron(15 10 ? * 6L 2019-2022)", after: "2022-12-01T00:00:00Z", count: 3, source: RULES, why: "the last run of the year range, then none",
    expected: ["2022-12-30T10:15:00Z"] },
  { expr: "cron(15 10 ? * 6L 2019-2022)", after: "2022-12-30T10:15:00Z", count: 3, source: RULES, why: "after the year range nothing fires",
    expected: [] },

  // --- Wildcards described in the cron reference ---
  { expr: "cron(0 0 1 JAN,FEB,MAR ? *)", after: "2026-12-03T00:00:00Z", count: 4, source: CRON_REF, why: "comma: JAN,FEB,MAR",
    expected: ["2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z", "2028-01-01T00:00:00Z"] },
  { expr: "cron(0 0 1-15 * ? *)", after: "2026-12-14T12:00:00Z", count: 3, source: CRON_REF, why: "dash: days 1 through 15",
    expected: ["2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z"] },
  { expr: "cron(1/10 * * * ? *)", after: "2026-12-03T17:00:00Z", count: 4, source: CRON_REF, why: "slash: 1/10 is minutes 1, 11, 21, 31...",
    expected: ["2026-12-03T17:01:00Z", "2026-12-03T17:11:00Z", "2026-12-03T17:21:00Z", "2026-12-03T17:31:00Z"] },
  { expr: "cron(0 12 7 * ? *)", after: "2026-12-03T00:00:00Z", count: 3, source: CRON_REF, why: "question mark: the 7th, any day of the week",
    expected: ["2026-12-07T12:00:00Z", "2027-01-07T12:00:00Z", "2027-02-07T12:00:00Z"] },
  { expr: "cron(0 0 3W * ? *)", after: "2026-12-03T00:00:00Z", count: 4, source: CRON_REF,
    why: "W: weekday closest to the 3rd (Sun 3 Jan -> Mon 4, Sat 3 Apr -> Fri 2)",
    expected: ["2027-01-04T00:00:00Z", "2027-02-03T00:00:00Z", "2027-03-03T00:00:00Z", "2027-04-02T00:00:00Z"] },
  { expr: "cron(0 9 ? * 3#2 *)", after: "2026-12-03T00:00:00Z", count: 3, source: CRON_REF, why: "#: 3#2 is the second Tuesday",
    expected: ["2026-12-08T09:00:00Z", "2027-01-12T09:00:00Z", "2027-02-09T09:00:00Z"] },
  { expr: "cron(0 0 L * ? *)", after: "2027-01-31T00:00:00Z", count: 3, source: CRON_REF, why: "L in day-of-month: last day, 28 in a common February",
    expected: ["2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z", "2027-04-30T00:00:00Z"] },
  { expr: "cron(0 0 L * ? *)", after: "2028-01-31T00:00:00Z", count: 2, source: CRON_REF, why: "L in a leap February is the 29th",
    expected: ["2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"] },

  // --- Lambda guide's table of wildcards and examples ---
  { expr: "cron(0 0 ? * L *)", after: "2026-12-03T00:00:00Z", count: 3, source: LAMBDA, why: "L alone in day-of-week is the last day of the week, every Saturday",
    expected: ["2026-12-05T00:00:00Z", "2026-12-12T00:00:00Z", "2026-12-19T00:00:00Z"] },
  { expr: "cron(0 9 ? * 2#1 *)", after: "2026-12-03T00:00:00Z", count: 4, source: LAMBDA, why: "09:00 the first Monday of each month",
    expected: ["2026-12-07T09:00:00Z", "2027-01-04T09:00:00Z", "2027-02-01T09:00:00Z", "2027-03-01T09:00:00Z"] },
  { expr: "cron(0 9 ? * 2#1 *)", after: "2026-12-07T09:00:00Z", count: 1, source: LAMBDA, why: "right after a first-Monday run",
    expected: ["2027-01-04T09:00:00Z"] },
  { expr: "cron(0 0 5W * ? *)", after: "2026-12-01T00:00:00Z", count: 2, source: LAMBDA, why: "5W: the 5th is a Saturday, so Friday the 4th",
    expected: ["2026-12-04T00:00:00Z", "2027-01-05T00:00:00Z"] },
  { expr: "cron(0 0 5W * ? *)", after: "2027-08-10T00:00:00Z", count: 2, source: LAMBDA, why: "5W: the 5th is a Sunday, so Monday the 6th",
    expected: ["2027-09-06T00:00:00Z", "2027-10-05T00:00:00Z"] },
  { expr: "cron(5/10 * * * ? *)", after: "2026-12-03T17:00:00Z", count: 4, source: LAMBDA, why: "5/10 means 5, 15, 25, 35...",
    expected: ["2026-12-03T17:05:00Z", "2026-12-03T17:15:00Z", "2026-12-03T17:25:00Z", "2026-12-03T17:35:00Z"] },
  { expr: "cron(0 0 ? * SUN,MON,TUE *)", after: "2026-12-03T00:00:00Z", count: 4, source: LAMBDA, why: "SUN,MON,TUE",
    expected: ["2026-12-06T00:00:00Z", "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z", "2026-12-13T00:00:00Z"] },
  { expr: "cron(0 10-12 * * ? *)", after: "2026-12-03T11:30:00Z", count: 4, source: LAMBDA, why: "10-12 means 10, 11 and 12",
    expected: ["2026-12-03T12:00:00Z", "2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z", "2026-12-04T12:00:00Z"] },
  { expr: "rate(7 days)", after: "2026-12-03T17:07:30.250Z", count: 2, source: LAMBDA, why: "every seven days from the anchor, to the millisecond",
    expected: ["2026-12-10T17:07:30.250Z", "2026-12-17T17:07:30.250Z"] },

  // --- Rate expressions: they start when the rule is created; `after` stands for that moment ---
  { expr: "rate(1 minute)", after: "2026-12-03T17:07:30Z", count: 3, source: RATE_REF, why: "every minute, not aligned to the clock",
    expected: ["2026-12-03T17:08:30Z", "2026-12-03T17:09:30Z", "2026-12-03T17:10:30Z"] },
  { expr: "rate(5 minutes)", after: "2026-12-03T17:00:00Z", count: 3, source: RATE_REF, why: "every five minutes",
    expected: ["2026-12-03T17:05:00Z", "2026-12-03T17:10:00Z", "2026-12-03T17:15:00Z"] },
  { expr: "rate(1 hour)", after: "2026-12-31T23:30:00Z", count: 2, source: RATE_REF, why: "once an hour across new year",
    expected: ["2027-01-01T00:30:00Z", "2027-01-01T01:30:00Z"] },
  { expr: "rate(1 day)", after: "2028-02-28T02:00:00Z", count: 2, source: RATE_REF, why: "once a day through a leap day",
    expected: ["2028-02-29T02:00:00Z", "2028-03-01T02:00:00Z"] },
  { expr: "rate(90 minutes)", after: "2026-12-03T23:00:00Z", count: 2, source: RATE_REF, why: "plural unit for values above 1",
    expected: ["2026-12-04T00:30:00Z", "2026-12-04T02:00:00Z"] },

  // --- Field values and wildcards of the cron reference, at their edges ---
  { expr: "cron(0 0 29 2 ? *)", after: "2026-12-03T00:00:00Z", count: 3, source: CRON_REF, why: "Feb 29 fires in leap years only",
    expected: ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"] },
  { expr: "cron(0 0 29 2 ? *)", after: "2096-03-01T00:00:00Z", count: 2, source: CRON_REF, why: "2100 is not a leap year",
    expected: ["2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z"] },
  { expr: "cron(0 0 30 2 ? *)", after: "1970-01-01T00:00:00Z", count: 3, source: CRON_REF, why: "Feb 30 never fires; the search ends at 2199",
    expected: [] },
  { expr: "cron(0 0 31 * ? *)", after: "2027-01-31T00:00:00Z", count: 3, source: CRON_REF, why: "the 31st skips months without one",
    expected: ["2027-03-31T00:00:00Z", "2027-05-31T00:00:00Z", "2027-07-31T00:00:00Z"] },
  { expr: "cron(0 0 1 NOV-FEB ? *)", after: "2026-12-03T00:00:00Z", count: 4, source: RULE_SCHEDULE, why: "a month range wraps past DEC like the hours 20-2 example",
    expected: ["2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "2027-11-01T00:00:00Z", "2027-12-01T00:00:00Z"] },
  { expr: "cron(0 0 ? * FRI-MON *)", after: "2026-12-03T00:00:00Z", count: 5, source: RULE_SCHEDULE, why: "a day range wraps past SAT",
    expected: ["2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z", "2026-12-06T00:00:00Z", "2026-12-07T00:00:00Z", "2026-12-11T00:00:00Z"] },
  { expr: "cron(0 0 LW * ? *)", after: "2027-01-01T00:00:00Z", count: 3, source: CRON_REF, why: "LW: last weekday (Sun 31 Jan -> Fri 29, Sun 28 Feb -> Fri 26)",
    expected: ["2027-01-29T00:00:00Z", "2027-02-26T00:00:00Z", "2027-03-31T00:00:00Z"] },
  { expr: "cron(0 0 1W * ? *)", after: "2027-04-02T00:00:00Z", count: 2, source: CRON_REF, why: "1W on Saturday 1 May is Monday the 3rd, never April",
    expected: ["2027-05-03T00:00:00Z", "2027-06-01T00:00:00Z"] },
  { expr: "cron(0 0 31W * ? *)", after: "2027-01-01T00:00:00Z", count: 3, source: CRON_REF, why: "31W on Sunday 31 Jan is Friday the 29th; months without a 31st are skipped",
    expected: ["2027-01-29T00:00:00Z", "2027-03-31T00:00:00Z", "2027-05-31T00:00:00Z"] },
  { expr: "cron(0 0 ? * 2#5 *)", after: "2026-12-01T00:00:00Z", count: 2, source: CRON_REF, why: "a fifth Monday exists only in some months",
    expected: ["2027-03-29T00:00:00Z", "2027-05-31T00:00:00Z"] },
  { expr: "cron(0 0 ? * 6#3 *)", after: "2026-12-03T00:00:00Z", count: 2, source: CRON_REF, why: "6#3: the third Friday",
    expected: ["2026-12-18T00:00:00Z", "2027-01-15T00:00:00Z"] },
  { expr: "cron(0 0 ? * 1L *)", after: "2026-12-03T00:00:00Z", count: 3, source: CRON_REF, why: "1L: the last Sunday",
    expected: ["2026-12-27T00:00:00Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"] },
  { expr: "cron(0 0 ? * 2-6 *)", after: "2026-12-04T00:00:00Z", count: 2, source: CRON_REF, why: "2-6 is MON-FRI: 1 is SUN, not Monday as in Unix cron",
    expected: ["2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z"] },
  { expr: "cron(0 0 ? * 1 *)", after: "2026-12-03T00:00:00Z", count: 2, source: CRON_REF, why: "1 is Sunday",
    expected: ["2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z"] },
  { expr: "cron(0 0 ? * 7 *)", after: "2026-12-03T00:00:00Z", count: 2, source: CRON_REF, why: "7 is Saturday",
    expected: ["2026-12-05T00:00:00Z", "2026-12-12T00:00:00Z"] },
  { expr: "cron(0 0 ? JUL WED *)", after: "2026-12-03T00:00:00Z", count: 5, source: CRON_REF, why: "a month name with a day name",
    expected: ["2027-07-07T00:00:00Z", "2027-07-14T00:00:00Z", "2027-07-21T00:00:00Z", "2027-07-28T00:00:00Z", "2028-07-05T00:00:00Z"] },
  { expr: "cron(0 0 * JUN ? 2027)", after: "2027-06-29T12:00:00Z", count: 3, source: CRON_REF, why: "a single year ends the schedule",
    expected: ["2027-06-30T00:00:00Z"] },
  { expr: "cron(0 0 1 1 ? 2030,2035,2040)", after: "2026-12-03T00:00:00Z", count: 4, source: CRON_REF, why: "a list of years",
    expected: ["2030-01-01T00:00:00Z", "2035-01-01T00:00:00Z", "2040-01-01T00:00:00Z"] },
  { expr: "cron(0 0 1 1 ? 2030/5)", after: "2190-06-01T00:00:00Z", count: 3, source: CRON_REF, why: "a year increment stops at 2199",
    expected: ["2195-01-01T00:00:00Z"] },
  { expr: "cron(59 23 31 12 ? 2199)", after: "2199-12-31T23:58:00Z", count: 2, source: CRON_REF, why: "the last minute EventBridge can express",
    expected: ["2199-12-31T23:59:00Z"] },
  { expr: "cron(0 0 1 1 ? *)", after: "2199-06-01T00:00:00Z", count: 2, source: CRON_REF, why: "nothing after the year field's maximum",
    expected: [] },
  { expr: "cron(* * * * ? *)", after: "2026-12-31T23:58:59.999Z", count: 3, source: CRON_REF, why: "every minute across new year",
    expected: ["2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z", "2027-01-01T00:01:00Z"] },
  { expr: "cron(0 22-2/2 * * ? *)", after: "2026-12-03T12:00:00Z", count: 4, source: RULE_SCHEDULE, why: "an increment continues across a wrapping range: 22, 0, 2",
    expected: ["2026-12-03T22:00:00Z", "2026-12-04T00:00:00Z", "2026-12-04T02:00:00Z", "2026-12-04T22:00:00Z"] },
];
