import { describe, expect, it } from "vitest";
import { matchesPattern } from "../../engine/pattern/index.ts";
import { CaretakerError } from "../../engine/errors.ts";
import { DOC_CASES } from "./doc-cases.ts";
import { EDGE_CASES } from "./edge-cases.ts";

describe("matchesPattern: cases from the EventBridge User Guide and event-ruler README", () => {
  it("has at least 150 documented cases", () => {
    expect(DOC_CASES.length).toBeGreaterThanOrEqual(150);
  });
  it.each(DOC_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(matchesPattern(c.pattern, c.event)).toBe(c.match);
  });
});

describe("matchesPattern: edge cases of event-ruler's semantics", () => {
  it.each(EDGE_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(matchesPattern(c.pattern, c.event)).toBe(c.match);
  });
});

describe("matchesPattern: inputs", () => {
  it("accepts the pattern as JSON text", () => {
    expect(matchesPattern('{"source": ["aws.ec2"]}', { source: "aws.ec2" })).toBe(true);
  });
  it("rejects a pattern EventBridge would reject, naming the problem", () => {
    expect(() => matchesPattern({ source: "aws.ec2" }, { source: "aws.ec2" })).toThrow(CaretakerError);
    expect(() => matchesPattern({ source: "aws.ec2" }, {})).toThrow(/source: a pattern leaf must be a list/);
  });
  it("rejects malformed JSON text", () => {
    expect(() => matchesPattern("{source", {})).toThrow(CaretakerError);
  });
  it("matches nothing in an event that is not an object", () => {
    expect(matchesPattern({ a: [{ exists: false }] }, null)).toBe(true);
    expect(matchesPattern({ a: ["x"] }, ["x"])).toBe(false);
  });
});

describe("matchesPattern: compiled-pattern cache", () => {
  it("sees a pattern edited in place", () => {
    const pattern: Record<string, unknown> = { source: ["aws.ec2"] };
    expect(matchesPattern(pattern, { source: "aws.ec2" })).toBe(true);
    pattern.source = ["aws.s3"];
    expect(matchesPattern(pattern, { source: "aws.ec2" })).toBe(false);
  });
});
