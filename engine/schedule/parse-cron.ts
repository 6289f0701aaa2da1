import { CRON_FIELDS, CRON_FIELD_ORDER } from "./fields.ts";
import { misplacedToken, parseList, parseValue } from "./parse-list.ts";
import { SCHEDULE_PROBLEM, type CronSchedule, type DayOfMonthSpec, type DayOfWeekSpec, type ScheduleProblem } from "./types.ts";

const FIELD_LIST = "minutes hours day-of-month month day-of-week year";

/**
 * Parses the inside of `cron(...)`, collecting every problem rather than stopping at the first.
 * Returns the schedule only when there is none.
 */
export function parseCron(expression: string, body: string, problems: ScheduleProblem[]): CronSchedule | undefined {
  const parts = body.trim() === "" ? [] : body.trim().split(/\s+/);
  if (parts.length !== CRON_FIELD_ORDER.length) {
    const hint =
      parts.length === 5
        ? `; EventBridge has no seconds field but requires a year: add one, e.g. cron(${parts.join(" ")} *), and make sure one day field is "?"`
        : "";
    problems.push({
      id: SCHEDULE_PROBLEM.fieldCount,
      message: `cron() needs 6 fields (${FIELD_LIST}), found ${parts.length}${hint}`,
    });
    return undefined;
  }
  const [minutesText, hoursText, domText, monthText, dowText, yearText] = parts as [string, string, string, string, string, string];
  const before = problems.length;

  const minutes = parseList(minutesText, CRON_FIELDS.minutes, problems);
  const hours = parseList(hoursText, CRON_FIELDS.hours, problems);
  const dayOfMonth = parseDayOfMonth(domText, problems);
  const months = parseList(monthText, CRON_FIELDS.month, problems);
  const dayOfWeek = parseDayOfWeek(dowText, problems);
  const years = parseList(yearText, CRON_FIELDS.year, problems);
  checkDayFields(parts, problems);

  if (problems.length > before) return undefined;
  return { kind: "cron", expression, minutes, hours, dayOfMonth, months, dayOfWeek, years };
}

/** EventBridge's "?" rule: exactly one of day-of-month and day-of-week is "?". */
function checkDayFields(parts: string[], problems: ScheduleProblem[]): void {
  const dom = parts[2]!;
  const dow = parts[4]!;
  const withField = (index: number, value: string) => `cron(${parts.map((part, i) => (i === index ? value : part)).join(" ")})`;
  if (dom === "?" && dow === "?") {
    problems.push({
      id: SCHEDULE_PROBLEM.dayFields,
      message: `day-of-month and day-of-week are both "?"; set one of them, e.g. ${withField(2, "*")} for every day`,
    });
  } else if (dom !== "?" && dow !== "?") {
    const fix =
      dow === "*"
        ? `write "?" in day-of-week: ${withField(4, "?")}`
        : dom === "*"
          ? `write "?" in day-of-month: ${withField(2, "?")}`
          : `EventBridge can't combine a day of the month with a day of the week; write "?" in the one you don't need`;
    problems.push({
      id: SCHEDULE_PROBLEM.dayFields,
      message: `day-of-month "${dom}" and day-of-week "${dow}" are both set; ${fix}`,
    });
  }
}

function parseDayOfMonth(text: string, problems: ScheduleProblem[]): DayOfMonthSpec {
  const field = CRON_FIELDS.dayOfMonth;
  if (text === "?" || text === "*") return { kind: "any" };
  if (text === "L") return { kind: "last" };
  if (text === "LW") return { kind: "last-weekday" };
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) {
    const day = parseValue(weekday[1]!, field);
    if (typeof day === "number") return { kind: "nearest-weekday", day };
    problems.push(day);
    return { kind: "any" };
  }
  if (text.includes(",") && text.split(",").some((item) => /^(L|LW|\d+W)$/.test(item))) {
    problems.push({
      id: SCHEDULE_PROBLEM.specialNotAlone,
      message: `day-of-month: "${text}" combines L or W with other values; EventBridge takes L, LW or nW only as the whole field`,
    });
    return { kind: "any" };
  }
  if (/[?LW]/.test(text)) {
    problems.push(misplacedToken(text, field));
    return { kind: "any" };
  }
  return { kind: "days", days: parseList(text, field, problems) };
}

function parseDayOfWeek(text: string, problems: ScheduleProblem[]): DayOfWeekSpec {
  const field = CRON_FIELDS.dayOfWeek;
  if (text === "?" || text === "*") return { kind: "any" };
  // "L" alone is the last day of the week, Saturday, every week.
  if (text === "L") return { kind: "days", days: [field.max] };
  const items = text.split(",");
  const special = /^([0-9]+|[A-Z]{3})(L|#(.*))$/;
  if (items.length > 1 && items.some((item) => special.test(item) || item === "L")) {
    problems.push({
      id: SCHEDULE_PROBLEM.specialNotAlone,
      message: `day-of-week: "${text}" combines L or # with other values; EventBridge takes one expression such as 6L or 3#2 as the whole field`,
    });
    return { kind: "any" };
  }
  const match = special.exec(text);
  if (match) {
    const day = parseValue(match[1]!, field);
    if (typeof day !== "number") {
      problems.push(day);
      return { kind: "any" };
    }
    if (match[2] === "L") return { kind: "last-of-month", day };
    const nthText = match[3]!;
    if (!/^[1-5]$/.test(nthText)) {
      problems.push({
        id: SCHEDULE_PROBLEM.outOfRange,
        message: `day-of-week: "${text}" asks for occurrence "${nthText}"; use 1-5 after # (e.g. ${match[1]}#1 for the first of the month)`,
      });
      return { kind: "any" };
    }
    return { kind: "nth", day, nth: Number(nthText) };
  }
  return { kind: "days", days: parseList(text, field, problems) };
}
