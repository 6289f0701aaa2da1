import { describe, expect, it } from "vitest";
import { CaretakerError } from "../../engine/errors.ts";
import { nextFireTimes, parseSchedule, validateSchedule } from "../../engine/schedule/index.ts";
import { FIRE_CASES } from "./doc-cases.ts";
import { INVALID_CASES } from "./invalid-cases.ts";

const iso = (value: string | Date) => new Date(value).toISOString();

describe("nextFireTimes, cases from AWS's documentation", () => {
  it("has at least 60 cases, each citing an AWS page", () => {
    expect(FIRE_CASES.length).toBeGreaterThanOrEqual(60);
    for (const c of FIRE_CASES) expect(c.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it.each(FIRE_CASES)("$expr after $after: $why", ({ expr, after, count, expected }) => {
    expect(validateSchedule(expr)).toEqual([]);
    expect(nextFireTimes(expr, new Date(after), count).map(iso)).toEqual(expected.map(iso));
  });
});

describe("validateSchedule, invalid expressions", () => {
  it.each(INVALID_CASES)("$expr: $why", ({ expr, problems }) => {
    const parsed = parseSchedule(expr);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.id)).toEqual(problems);
    // validateSchedule reports the same problems, one message each.
    expect(validateSchedule(expr)).toHaveLength(problems.length);
  });

  it("names the field and the corrected expression for the ? rule", () => {
    const parsed = parseSchedule("cron(0 12 * * * *)");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]!.message).toContain("cron(0 12 * * ? *)");
  });

  it("rejects what is not a string without throwing", () => {
    expect(parseSchedule(42).ok).toBe(false);
    expect(parseSchedule(undefined).ok).toBe(false);
  });
});

describe("parseSchedule", () => {
  it("expands fields; day-of-week counts 1 = SUN", () => {
    const parsed = parseSchedule("cron(0/20 8-10 ? NOV-FEB MON-FRI 2030-2031)");
    expect(parsed).toMatchObject({
      ok: true,
      schedule: {
        kind: "cron",
        minutes: [0, 20, 40],
        hours: [8, 9, 10],
        dayOfMonth: { kind: "any" },
        months: [1, 2, 11, 12],
        dayOfWeek: { kind: "days", days: [2, 3, 4, 5, 6] },
        years: [2030, 2031],
      },
    });
  });

  it("reads the special day forms", () => {
    const spec = (expr: string, key: "dayOfMonth" | "dayOfWeek") => {
      const parsed = parseSchedule(expr);
      return parsed.ok && parsed.schedule.kind === "cron" ? parsed.schedule[key] : undefined;
    };
    expect(spec("cron(0 0 L * ? *)", "dayOfMonth")).toEqual({ kind: "last" });
    expect(spec("cron(0 0 LW * ? *)", "dayOfMonth")).toEqual({ kind: "last-weekday" });
    expect(spec("cron(0 0 15W * ? *)", "dayOfMonth")).toEqual({ kind: "nearest-weekday", day: 15 });
    expect(spec("cron(0 0 ? * L *)", "dayOfWeek")).toEqual({ kind: "days", days: [7] });
    expect(spec("cron(0 0 ? * 5L *)", "dayOfWeek")).toEqual({ kind: "last-of-month", day: 5 });
    expect(spec("cron(0 0 ? * 3#2 *)", "dayOfWeek")).toEqual({ kind: "nth", day: 3, nth: 2 });
  });

  it("reads rate()", () => {
    expect(parseSchedule("rate(5 minutes)")).toEqual({
      ok: true,
      schedule: { kind: "rate", expression: "rate(5 minutes)", value: 5, unit: "minute", periodMs: 300_000 },
    });
  });
});

describe("nextFireTimes, arguments and cost", () => {
  it("returns nothing for count 0", () => {
    expect(nextFireTimes("cron(0 2 * * ? *)", new Date("2026-01-01T00:00:00Z"), 0)).toEqual([]);
  });

  it("throws a CaretakerError for an invalid expression, date or count", () => {
    const after = new Date("2026-01-01T00:00:00Z");
    expect(() => nextFireTimes("cron(0 2 * * *)", after, 1)).toThrow(CaretakerError);
    expect(() => nextFireTimes("cron(0 2 * * ? *)", new Date("nope"), 1)).toThrow(CaretakerError);
    expect(() => nextFireTimes("cron(0 2 * * ? *)", after, -1)).toThrow(CaretakerError);
    expect(() => nextFireTimes("cron(0 2 * * ? *)", after, 1.5)).toThrow(CaretakerError);
  });

  it("ends quickly for schedules that are rare or never fire", () => {
    const from = new Date("1970-01-01T00:00:00Z");
    const started = performance.now();
    expect(nextFireTimes("cron(0 0 30 2 ? *)", from, 5)).toEqual([]);
    expect(nextFireTimes("cron(0 0 31 4,6,9,11 ? *)", from, 5)).toEqual([]);
    // Every leap day from 1972 to 2196 (2100 is not one).
    expect(nextFireTimes("cron(0 0 29 2 ? *)", from, 1000)).toHaveLength(56);
    expect(nextFireTimes("cron(0 0 ? 2 2#5 *)", from, 1000).every((d) => d.getUTCDate() === 29)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
