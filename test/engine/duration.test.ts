import { describe, expect, it } from "vitest";
import { DURATION_PATTERN, parseDuration } from "../../engine/duration.ts";
import { CaretakerError } from "../../engine/errors.ts";

describe("parseDuration", () => {
  it.each([
    ["0s", 0],
    ["45s", 45_000],
    ["90m", 5_400_000],
    ["12h", 43_200_000],
    ["30d", 2_592_000_000],
    ["2w", 1_209_600_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(new RegExp(DURATION_PATTERN).test(text)).toBe(true);
  });

  it.each(["", "30", "d", "1.5d", "-1d", "30 d", " 30d", "30D", "1y", "30dd", "99999999999999w"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(CaretakerError);
  });
});
