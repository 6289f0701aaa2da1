import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRouter, matchesPattern, type EventPattern } from "../../engine/pattern/index.ts";
import { CaretakerError } from "../../engine/errors.ts";

// Small value domains so random patterns and events often meet.
const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("a", "b") },
  { weight: 1, arbitrary: fc.constantFrom("ab", "", "A", "10.0.0.1", "2001:db8::1") },
);
const num = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constantFrom(0, 2.5, -1, 1e10) });
const leafValue = fc.oneof({ weight: 4, arbitrary: word }, { weight: 2, arbitrary: num }, { weight: 1, arbitrary: fc.constantFrom(null, true, false) });

const operator = fc.oneof(
  word.map((w) => ({ prefix: w })),
  word.map((w) => ({ suffix: w })),
  word.map((w) => ({ "equals-ignore-case": w })),
  fc.constantFrom("a*", "*b", "*", "a*b").map((w) => ({ wildcard: w })),
  fc.oneof(word, fc.array(word.filter((w) => w !== ""), { minLength: 1, maxLength: 2 })).map((w) => ({ "anything-but": w })),
  fc.constantFrom(0, 1, 2).map((n) => ({ "anything-but": [n] })),
  fc.constantFrom("a", "b").map((w) => ({ "anything-but": { prefix: w } })),
  fc.constantFrom([">", 0], ["<=", 2], [">=", 1, "<", 3], ["=", 2.5]).map((n) => ({ numeric: n })),
  fc.boolean().map((b) => ({ exists: b })),
  fc.constantFrom("10.0.0.0/8", "2001:db8::/32").map((c) => ({ cidr: c })),
);
const valueList = fc.array(fc.oneof({ weight: 3, arbitrary: leafValue }, { weight: 2, arbitrary: operator }), { minLength: 1, maxLength: 3 });

const NAMES = ["source", "detail-type", "state", "n", "ip"] as const;
const fieldName = fc.constantFrom(...NAMES);
const fields = fc.dictionary(fieldName, valueList, { minKeys: 1, maxKeys: 2 });
const pattern: fc.Arbitrary<EventPattern> = fc
  .record({
    top: fields,
    detail: fc.option(fields, { nil: undefined, freq: 2 }),
    items: fc.option(fc.dictionary(fc.constantFrom("sku", "qty"), valueList, { minKeys: 1, maxKeys: 2 }), { nil: undefined, freq: 3 }),
    or: fc.option(fc.array(fields, { minLength: 2, maxLength: 3 }), { nil: undefined, freq: 4 }),
  })
  .map(({ top, detail, items, or }) => ({
    ...top,
    ...(detail ? { detail } : {}),
    ...(items ? { items } : {}),
    ...(or ? { $or: or } : {}),
  }));

// Events carry most names most of the time, sometimes as arrays.
const eventValue = fc.oneof({ weight: 4, arbitrary: leafValue }, { weight: 1, arbitrary: fc.array(leafValue, { maxLength: 3 }) });
const eventFields = fc
  .tuple(...NAMES.map(() => fc.option(eventValue, { nil: undefined, freq: 5 })))
  .map((values) => Object.fromEntries(NAMES.map((n, i) => [n, values[i]]).filter(([, v]) => v !== undefined)));
const event = fc
  .record({
    top: eventFields,
    detail: fc.option(eventFields, { nil: undefined, freq: 5 }),
    items: fc.option(fc.array(fc.dictionary(fc.constantFrom("sku", "qty"), leafValue, { maxKeys: 2 }), { maxLength: 3 }), { nil: undefined }),
  })
  .map(({ top, detail, items }) => ({ ...top, ...(detail ? { detail } : {}), ...(items ? { items } : {}) }));

describe("createRouter", () => {
  it("returns exactly what trying every pattern returns, in pattern order", () => {
    let matched = 0;
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 40 }), fc.array(event, { minLength: 1, maxLength: 20 }), (patterns, events) => {
        const named: Record<string, EventPattern> = {};
        patterns.forEach((p, i) => (named[`p${i}`] = p));
        const router = createRouter(named);
        for (const e of events) {
          const naive = Object.keys(named).filter((id) => matchesPattern(named[id], e));
          expect(router.match(e)).toEqual(naive);
          matched += naive.length;
        }
      }),
      { numRuns: 600 },
    );
    // The domains are small enough that the comparison is not vacuous.
    expect(matched).toBeGreaterThan(500);
  });

  it("routes the seed's policies", () => {
    const router = createRouter({
      "auto-snapshot-on-stop": {
        source: ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        detail: { state: ["stopped", "stopping"] },
      },
      "scale-on-cpu": {
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        detail: { alarmName: [{ prefix: "high-cpu" }], state: { value: ["ALARM"] } },
      },
      "notify-disk": { source: ["aws.cloudwatch"], detail: { alarmName: [{ prefix: "disk-" }] } },
      "any-ec2": { source: ["aws.ec2"] },
    });
    expect(
      router.match({ source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification", detail: { state: "stopped" } }),
    ).toEqual(["auto-snapshot-on-stop", "any-ec2"]);
    expect(
      router.match({ source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", detail: { alarmName: "high-cpu-web", state: { value: "ALARM" } } }),
    ).toEqual(["scale-on-cpu"]);
    expect(router.match({ source: "aws.cloudwatch", detail: { alarmName: "disk-full" } })).toEqual(["notify-disk"]);
    expect(router.match({ source: "aws.s3" })).toEqual([]);
  });

  it("reports every invalid pattern by id", () => {
    expect(() => createRouter({ good: { source: ["a"] }, bad: { source: "a" }, worse: {} })).toThrow(CaretakerError);
    try {
      createRouter({ good: { source: ["a"] }, bad: { source: "a" }, worse: {} });
    } catch (e) {
      const lines = (e as Error).message.split("\n").filter((l) => /^(bad|worse): /.test(l));
      expect(lines.map((l) => l.split(":")[0])).toEqual(["bad", "worse"]);
    }
  });

  it("gives the same answers for repeated and interleaved events", () => {
    const router = createRouter({ a: { x: ["1"] }, b: { x: [{ prefix: "1" }] }, c: { y: [{ exists: false }] } });
    const e1 = { x: "1" };
    const e2 = { x: "12", y: 0 };
    expect(router.match(e1)).toEqual(["a", "b", "c"]);
    expect(router.match(e2)).toEqual(["b"]);
    expect(router.match(e1)).toEqual(["a", "b", "c"]);
  });
});

describe("createRouter: many prefixes on one field", () => {
  it("finds every prefix that starts the value, beyond the linear-scan size", () => {
    const patterns: Record<string, EventPattern> = {};
    for (let i = 0; i < 30; i++) patterns[`p${i}`] = { source: [{ prefix: "com.acme.".slice(0, i % 10) + "x".repeat(Math.floor(i / 10)) }] };
    const router = createRouter(patterns);
    for (const source of ["com.acme.x", "com.", "xx", "", "com.acme.xxx"]) {
      const naive = Object.keys(patterns).filter((id) => matchesPattern(patterns[id], { source }));
      expect(router.match({ source })).toEqual(naive);
    }
  });
});
