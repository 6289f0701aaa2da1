/** One of the six fields of an EventBridge cron() expression. */
export interface CronField {
  label: string;
  min: number;
  max: number;
  /** Names for the values from `min` on (JAN = 1, SUN = 1), matched case-insensitively. */
  names?: readonly string[];
  /** A range whose start is after its end wraps past `max` (FRI-MON, NOV-FEB, 22-2); years don't wrap. */
  wraps: boolean;
  /** The largest increment after "/"; EventBridge refuses cron(*\/60 * * * ? *). */
  maxStep: number;
}

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/** The fields in expression order: minutes hours day-of-month month day-of-week year. */
export const CRON_FIELDS = {
  minutes: { label: "minutes", min: 0, max: 59, wraps: true, maxStep: 59 },
  hours: { label: "hours", min: 0, max: 23, wraps: true, maxStep: 23 },
  dayOfMonth: { label: "day-of-month", min: 1, max: 31, wraps: true, maxStep: 31 },
  month: { label: "month", min: 1, max: 12, names: MONTH_NAMES, wraps: true, maxStep: 12 },
  // EventBridge counts 1 = SUN ... 7 = SAT, unlike Unix cron's 0-6 with 0 = Sunday.
  dayOfWeek: { label: "day-of-week", min: 1, max: 7, names: DAY_NAMES, wraps: true, maxStep: 7 },
  year: { label: "year", min: 1970, max: 2199, wraps: false, maxStep: 229 },
} as const satisfies Record<string, CronField>;

export const CRON_FIELD_ORDER = ["minutes", "hours", "dayOfMonth", "month", "dayOfWeek", "year"] as const;

/** How a field's allowed values read in messages, e.g. `1-7 or SUN-SAT`. */
export function describeValues(field: CronField): string {
  const numbers = `${field.min}-${field.max}`;
  if (!field.names) return numbers;
  return `${numbers} or ${field.names[0]}-${field.names[field.names.length - 1]}`;
}
