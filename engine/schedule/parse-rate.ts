import { RATE_UNIT_MS, SCHEDULE_PROBLEM, type RateSchedule, type RateUnit, type ScheduleProblem } from "./types.ts";

const UNITS: Record<string, { unit: RateUnit; plural: boolean }> = {
  minute: { unit: "minute", plural: false },
  minutes: { unit: "minute", plural: true },
  hour: { unit: "hour", plural: false },
  hours: { unit: "hour", plural: true },
  day: { unit: "day", plural: false },
  days: { unit: "day", plural: true },
};

/** Parses the inside of `rate(...)`: a positive whole number and a unit agreeing with it in number. */
export function parseRate(expression: string, body: string, problems: ScheduleProblem[]): RateSchedule | undefined {
  const parts = body.trim() === "" ? [] : body.trim().split(/\s+/);
  if (parts.length !== 2) {
    problems.push({
      id: SCHEDULE_PROBLEM.rateSyntax,
      message: `rate() takes a value and a unit, e.g. rate(5 minutes) or rate(1 day); found "${body}"`,
    });
    return undefined;
  }
  const [valueText, unitText] = parts as [string, string];
  const before = problems.length;

  const value = /^\d+$/.test(valueText) ? Number(valueText) : NaN;
  if (!(value >= 1) || !Number.isSafeInteger(value)) {
    problems.push({
      id: SCHEDULE_PROBLEM.rateValue,
      message: `rate value "${valueText}" must be a positive whole number, e.g. rate(5 minutes)`,
    });
  }
  const unit = UNITS[unitText];
  if (!unit) {
    const faster = /^seconds?$/i.test(unitText) ? "; EventBridge rules run at most once a minute" : "";
    const weeks = /^weeks?$/i.test(unitText) ? "; for weeks write days, e.g. rate(7 days)" : "";
    problems.push({
      id: SCHEDULE_PROBLEM.rateUnit,
      message: `rate unit "${unitText}" is not one of minute, minutes, hour, hours, day, days${faster}${weeks}`,
    });
  } else if (value === 1 && unit.plural) {
    problems.push({ id: SCHEDULE_PROBLEM.rateUnitNumber, message: `rate(1 ${unitText}) needs the singular unit: write rate(1 ${unit.unit})` });
  } else if (value > 1 && !unit.plural) {
    problems.push({ id: SCHEDULE_PROBLEM.rateUnitNumber, message: `rate(${valueText} ${unitText}) needs the plural unit: write rate(${valueText} ${unit.unit}s)` });
  }

  if (problems.length > before || !unit) return undefined;
  return { kind: "rate", expression, value, unit: unit.unit, periodMs: value * RATE_UNIT_MS[unit.unit] };
}
