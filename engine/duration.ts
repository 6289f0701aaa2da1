import { CaretakerError } from "./errors.ts";

/** A duration as policies write it: a whole number and one unit, `<n>s|m|h|d|w`. Usable as a JSON Schema `pattern`. */
export const DURATION_PATTERN = "^[0-9]+[smhdw]$";

const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const DURATION = new RegExp(DURATION_PATTERN);

/**
 * Milliseconds in a policy duration. Calendar-free on purpose: `1d` is always 24 hours,
 * so `$now - 30d` means the same instant in every time zone.
 *
 * @example
 * parseDuration("30d"); // 2_592_000_000
 * parseDuration("90m"); // 5_400_000
 */
export function parseDuration(text: string): number {
  if (!DURATION.test(text)) {
    throw new CaretakerError(`invalid duration ${JSON.stringify(text)}: expected a whole number and a unit s, m, h, d or w, e.g. "30d"`);
  }
  const unit = text.at(-1) as keyof typeof UNIT_MS;
  const ms = Number(text.slice(0, -1)) * UNIT_MS[unit];
  // A Date holds at most ±8.64e15 ms; anything near that is a typo, not a retention period.
  if (!Number.isSafeInteger(ms) || ms > 8.64e15) {
    throw new CaretakerError(`duration ${JSON.stringify(text)} is too long`);
  }
  return ms;
}
