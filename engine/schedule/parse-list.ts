import { describeValues, type CronField } from "./fields.ts";
import { SCHEDULE_PROBLEM, type ScheduleProblem } from "./types.ts";

const DOM_LABEL = "day-of-month";
const DOW_LABEL = "day-of-week";

/**
 * Parses one value of a field: a number or, where the field has names, a three-letter name.
 * Returns a problem that says what the field accepts when the value is not one of its own.
 */
export function parseValue(token: string, field: CronField): number | ScheduleProblem {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value >= field.min && value <= field.max) return value;
    const unixHint =
      field.label === DOW_LABEL && value === 0 ? " (EventBridge counts 1 = SUN ... 7 = SAT; Unix cron's 0 = Sunday is 1 here)" : "";
    return {
      id: SCHEDULE_PROBLEM.outOfRange,
      message: `${field.label}: ${token} is out of range; use ${describeValues(field)}${unixHint}`,
    };
  }
  if (field.names && /^[A-Z]{3}$/.test(token)) {
    const index = field.names.indexOf(token);
    if (index >= 0) return field.min + index;
    return { id: SCHEDULE_PROBLEM.outOfRange, message: `${field.label}: "${token}" is not a name of this field; use ${describeValues(field)}` };
  }
  return misplacedToken(token, field);
}

/** Explains a token the field can't take, naming the form or the field that would accept it. */
export function misplacedToken(token: string, field: CronField): ScheduleProblem {
  const isDom = field.label === DOM_LABEL;
  const isDow = field.label === DOW_LABEL;
  // Names such as JUL or WED contain L and W; only the letters outside names are wildcards.
  const bare = token.toUpperCase().replace(/[A-Z]{3}/g, "");
  const problem = (id: ScheduleProblem["id"], advice: string): ScheduleProblem => ({ id, message: `${field.label}: "${token}" ${advice}` });
  const domForms = `use L (last day), LW (last weekday) or 15W (weekday nearest the 15th) as the whole field`;
  // EventBridge documents names, L and W in capitals only; lowercase is refused rather than guessed.
  if (/[a-z]/.test(token)) {
    return problem(SCHEDULE_PROBLEM.badToken, `is in lowercase; write names, L and W in capitals as EventBridge documents them: "${token.toUpperCase()}"`);
  }
  if (bare.includes("?")) {
    return isDom || isDow
      ? problem(SCHEDULE_PROBLEM.specialNotAlone, `is not allowed; "?" must be the whole field`)
      : problem(SCHEDULE_PROBLEM.wildcardNotAllowed, `is not allowed; "?" goes only in day-of-month or day-of-week`);
  }
  if (bare.includes("#")) {
    return isDow
      ? problem(SCHEDULE_PROBLEM.badToken, `is not allowed; write one day, "#" and an occurrence 1-5 (3#2 = second Tuesday) as the whole field`)
      : problem(SCHEDULE_PROBLEM.wildcardNotAllowed, `is not allowed; "#" goes only in day-of-week (3#2 = second Tuesday)`);
  }
  if (bare.includes("L")) {
    if (isDom) return problem(SCHEDULE_PROBLEM.badToken, `is not allowed; ${domForms}`);
    if (isDow) return problem(SCHEDULE_PROBLEM.badToken, `is not allowed; use L alone (Saturday) or one day followed by L (6L = last Friday)`);
    return problem(SCHEDULE_PROBLEM.wildcardNotAllowed, `is not allowed; "L" goes only in day-of-month or day-of-week`);
  }
  if (bare.includes("W")) {
    if (isDom) return problem(SCHEDULE_PROBLEM.badToken, `is not allowed; ${domForms}`);
    return problem(SCHEDULE_PROBLEM.wildcardNotAllowed, `is not allowed; "W" goes only in day-of-month (15W, LW)`);
  }
  const names = field.names ? `, a name (${describeValues(field)})` : "";
  return problem(SCHEDULE_PROBLEM.badToken, `is not a number${names}, a range (a-b), a list (a,b), an increment (a/n) or *`);
}

/**
 * Expands a list field (`*`, `5`, `1-5`, `MON-FRI`, `0/15`, `*\/15`, `10-50/10`, `22-2`, `a,b,...`)
 * to its sorted values, pushing every problem it finds.
 */
export function parseList(text: string, field: CronField, problems: ScheduleProblem[]): number[] {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") {
      problems.push({ id: SCHEDULE_PROBLEM.badToken, message: `${field.label}: "${text}" has an empty list item; remove the extra comma` });
      continue;
    }
    for (const value of parseItem(item, field, problems)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function parseItem(item: string, field: CronField, problems: ScheduleProblem[]): number[] {
  const slash = item.indexOf("/");
  const base = slash < 0 ? item : item.slice(0, slash);
  const stepText = slash < 0 ? undefined : item.slice(slash + 1);
  const span = field.max - field.min + 1;

  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > field.maxStep) {
      problems.push({
        id: SCHEDULE_PROBLEM.badIncrement,
        message: `${field.label}: increment "${stepText}" in "${item}" must be a whole number from 1 to ${field.maxStep}`,
      });
      return [];
    }
    step = Number(stepText);
  }

  let start: number;
  let end: number;
  if (base === "*") {
    start = field.min;
    end = field.max;
  } else if (!/^[A-Za-z0-9]+(-[A-Za-z0-9]+)?$/.test(base)) {
    problems.push(misplacedToken(item, field));
    return [];
  } else {
    const dash = base.indexOf("-");
    const first = parseValue(dash < 0 ? base : base.slice(0, dash), field);
    const last = dash < 0 ? undefined : parseValue(base.slice(dash + 1), field);
    if (typeof first !== "number" || (last !== undefined && typeof last !== "number")) {
      const failed = [first, last].filter((part): part is ScheduleProblem => part !== undefined && typeof part !== "number");
      // Out-of-range values are reported one by one; any other fault reads better about the whole item.
      if (failed.every((part) => part.id === SCHEDULE_PROBLEM.outOfRange)) problems.push(...failed);
      else problems.push(misplacedToken(item, field));
      return [];
    }
    start = first;
    // "a/n" runs from a to the field's end, as in Quartz, whose syntax EventBridge follows.
    end = last ?? (stepText === undefined ? first : field.max);
    if (end < start) {
      if (!field.wraps) {
        problems.push({
          id: SCHEDULE_PROBLEM.badRange,
          message: `${field.label}: range "${base}" starts after it ends; write it as ${end}-${start}`,
        });
        return [];
      }
      end += span;
    }
  }

  const out: number[] = [];
  for (let i = start; i <= end; i += step) out.push(((i - field.min) % span) + field.min);
  return out;
}
