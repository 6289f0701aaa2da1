import { SCHEDULE_PROBLEM, type ScheduleProblemId } from "../../engine/schedule/index.ts";
import { CRON_REF, LAMBDA, RATE_REF, RULE_SCHEDULE, RULES } from "./doc-cases.ts";

export interface InvalidCase {
  expr: string;
  /** Every problem id expected, in order. */
  problems: ScheduleProblemId[];
  source: string;
  why: string;
}

const P = SCHEDULE_PROBLEM;

export const INVALID_CASES: InvalidCase[] = [
  // The "?" rule
  { expr: "cron(0 12 * * * *)", problems: [P.dayFields], source: RULES, why: "* in both day fields" },
  { expr: "cron(0 12 ? * ? *)", problems: [P.dayFields], source: RULES, why: "? in both day fields" },
  { expr: "cron(0 12 1 * MON *)", problems: [P.dayFields], source: RULES, why: "a day of the month and a day of the week" },
  { expr: "cron(0 12 L * L *)", problems: [P.dayFields], source: RULES, why: "L in both day fields" },
  // Six fields
  { expr: "cron(0 12 * * ?)", problems: [P.fieldCount], source: LAMBDA, why: "Unix-style five fields, no year" },
  { expr: "cron(0 0 12 * * ? *)", problems: [P.fieldCount], source: LAMBDA, why: "Quartz-style seconds field" },
  { expr: "cron()", problems: [P.fieldCount], source: LAMBDA, why: "no fields" },
  // Field values
  { expr: "cron(60 * * * ? *)", problems: [P.outOfRange], source: CRON_REF, why: "minutes 0-59" },
  { expr: "cron(0 24 * * ? *)", problems: [P.outOfRange], source: CRON_REF, why: "hours 0-23" },
  { expr: "cron(0 0 32 * ? *)", problems: [P.outOfRange], source: CRON_REF, why: "day-of-month 1-31" },
  { expr: "cron(0 0 0 * ? *)", problems: [P.outOfRange], source: CRON_REF, why: "day-of-month starts at 1" },
  { expr: "cron(0 0 1 13 ? *)", problems: [P.outOfRange], source: CRON_REF, why: "month 1-12" },
  { expr: "cron(0 0 ? * 0 *)", problems: [P.outOfRange], source: CRON_REF, why: "day-of-week 1-7; Unix cron's 0 = Sunday is not accepted" },
  { expr: "cron(0 0 ? * 8 *)", problems: [P.outOfRange], source: CRON_REF, why: "day-of-week 1-7" },
  { expr: "cron(0 0 1 1 ? 1969)", problems: [P.outOfRange], source: CRON_REF, why: "year 1970-2199" },
  { expr: "cron(0 0 1 1 ? 2200)", problems: [P.outOfRange], source: CRON_REF, why: "year 1970-2199" },
  { expr: "cron(0 0 ? * MON-FUN *)", problems: [P.outOfRange], source: CRON_REF, why: "unknown day name" },
  { expr: "cron(0 0 1 JANUARY ? *)", problems: [P.badToken], source: CRON_REF, why: "month names are three letters" },
  { expr: "cron(0 0 ? * 1-5L *)", problems: [P.badToken], source: CRON_REF, why: "L follows a single day" },
  { expr: "cron(0 0 L-2 * ? *)", problems: [P.badToken], source: CRON_REF, why: "L offsets are not among the documented forms" },
  { expr: "cron(1,,2 * * * ? *)", problems: [P.badToken], source: CRON_REF, why: "empty list item" },
  { expr: "cron(0 0 * * ? 2025-2020)", problems: [P.badRange], source: CRON_REF, why: "years do not wrap" },
  { expr: "cron(0/0 * * * ? *)", problems: [P.badIncrement], source: CRON_REF, why: "an increment of 0" },
  { expr: "cron(0/61 * * * ? *)", problems: [P.badIncrement], source: CRON_REF, why: "an increment wider than the field" },
  // Wildcards per field
  { expr: "cron(0 L * * ? *)", problems: [P.wildcardNotAllowed], source: CRON_REF, why: "L only in the day fields" },
  { expr: "cron(? 0 * * ? *)", problems: [P.wildcardNotAllowed], source: CRON_REF, why: "? only in the day fields" },
  { expr: "cron(0 0 1#2 * ? *)", problems: [P.wildcardNotAllowed], source: CRON_REF, why: "# only in day-of-week" },
  { expr: "cron(0 0 ? * 15W *)", problems: [P.wildcardNotAllowed], source: CRON_REF, why: "W only in day-of-month" },
  { expr: "cron(0 0 1 JAN#2 ? *)", problems: [P.wildcardNotAllowed], source: CRON_REF, why: "# not in month" },
  { expr: "cron(0 0 ? * 3#6 *)", problems: [P.outOfRange], source: CRON_REF, why: "there is no sixth Tuesday" },
  { expr: "cron(0 0 ? * 3#0 *)", problems: [P.outOfRange], source: CRON_REF, why: "occurrences count from 1" },
  // Special forms stand alone
  { expr: "cron(0 0 ? * 3#1,6#3 *)", problems: [P.specialNotAlone], source: RULE_SCHEDULE, why: "the guide's own example of an invalid # list" },
  { expr: "cron(0 0 L,15 * ? *)", problems: [P.specialNotAlone], source: CRON_REF, why: "L with other days" },
  { expr: "cron(0 0 ? * 6L,2 *)", problems: [P.specialNotAlone], source: CRON_REF, why: "6L with other days" },
  { expr: "cron(0 0 ?,1 * * *)", problems: [P.specialNotAlone, P.dayFields], source: CRON_REF, why: "? must be the whole field" },
  // Not an expression
  { expr: "0 2 * * *", problems: [P.syntax], source: RULES, why: "a bare Unix crontab line" },
  { expr: "CRON(0 2 * * ? *)", problems: [P.syntax], source: RULES, why: "the keyword is lowercase" },
  { expr: " cron(0 2 * * ? *)", problems: [P.syntax], source: RULES, why: "leading space" },
  { expr: "at(2026-01-01T00:00:00)", problems: [P.syntax], source: RULES, why: "one-time schedules are EventBridge Scheduler only" },
  { expr: "", problems: [P.syntax], source: RULES, why: "empty" },
  // rate()
  { expr: "rate(1 hours)", problems: [P.rateUnitNumber], source: RATE_REF, why: "the guide's example: 1 needs the singular" },
  { expr: "rate(5 hour)", problems: [P.rateUnitNumber], source: RATE_REF, why: "the guide's example: above 1 needs the plural" },
  { expr: "rate(1 days)", problems: [P.rateUnitNumber], source: RATE_REF, why: "1 needs the singular" },
  { expr: "rate(0 minutes)", problems: [P.rateValue], source: RATE_REF, why: "a positive number" },
  { expr: "rate(-5 minutes)", problems: [P.rateValue], source: RATE_REF, why: "a positive number" },
  { expr: "rate(1.5 hours)", problems: [P.rateValue], source: LAMBDA, why: "a positive integer" },
  { expr: "rate(30 seconds)", problems: [P.rateUnit], source: RATE_REF, why: "no seconds; at most once a minute" },
  { expr: "rate(2 weeks)", problems: [P.rateUnit], source: RATE_REF, why: "units are minute(s), hour(s), day(s)" },
  { expr: "rate(5)", problems: [P.rateSyntax], source: RATE_REF, why: "value and unit are both required" },
  { expr: "rate()", problems: [P.rateSyntax], source: RATE_REF, why: "value and unit are both required" },
  { expr: "rate(5 minutes later)", problems: [P.rateSyntax], source: RATE_REF, why: "exactly two fields" },
  // Reported against the real service
  { expr: "cron(*/60 * * * ? *)", problems: [P.badIncrement], source: "https://github.com/aws/aws-sdk-js/issues/4212", why: "EventBridge refuses a 60-minute increment" },
  { expr: "cron(7 20 * * 1-7 *)", problems: [P.dayFields], source: "https://github.com/localstack/localstack/pull/12156", why: "ValidationException from EventBridge" },
  { expr: "cron(15 12 ? * -1 *)", problems: [P.badToken], source: "https://github.com/winglang/wing/issues/7115", why: "ValidationException from EventBridge" },
  { expr: "cron(* ? * * * *)", problems: [P.wildcardNotAllowed, P.dayFields], source: "https://github.com/aws-solutions/aws-waf-security-automations/issues/261", why: "the console's 'Invalid CRON expression'" },
  // Names, L and W in capitals, as documented
  { expr: "cron(0 18 ? * mon-fri *)", problems: [P.badToken], source: CRON_REF, why: "day names are documented in capitals" },
  { expr: "cron(0 0 1 jan ? *)", problems: [P.badToken], source: CRON_REF, why: "month names are documented in capitals" },
  { expr: "cron(0 0 l * ? *)", problems: [P.badToken], source: CRON_REF, why: "L is documented in capitals" },
  // Every problem, not the first
  { expr: "cron(60 24 32 13 ? 1969)", problems: [P.outOfRange, P.outOfRange, P.outOfRange, P.outOfRange, P.outOfRange], source: CRON_REF,
    why: "one problem per bad field" },
  { expr: "rate(0 hour)", problems: [P.rateValue], source: RATE_REF, why: "the value is checked before the unit agrees with it" },
];
