import { describe, expect, it } from "vitest";
import { patternProblems, validatePattern, formatPatternPath, type PatternPath, type ProblemCode } from "../../engine/pattern/index.ts";
import { DOC_CASES } from "./doc-cases.ts";
import { EDGE_CASES } from "./edge-cases.ts";

// Rejections mirror event-ruler's JsonRuleCompiler, CIDR, ComparableNumber, Range and
// WildcardParser (https://github.com/aws/event-ruler/tree/main/src/main/software/amazon/event/ruler),
// which EventBridge uses to check patterns on PutRule.

type Invalid = [name: string, pattern: unknown, problems: [ProblemCode, PatternPath][]];

const INVALID: Invalid[] = [
  ["not an object", ["source"], [["not-object", []]]],
  ["null", null, [["not-object", []]]],
  ["empty pattern", {}, [["empty-object", []]]],
  ["empty nested object", { detail: {} }, [["empty-object", ["detail"]]]],
  ["leaf is a string", { detail: { state: "stopped" } }, [["leaf-not-list", ["detail", "state"]]]],
  ["leaf is a number", { x: 5 }, [["leaf-not-list", ["x"]]]],
  ["leaf is null", { x: null }, [["leaf-not-list", ["x"]]]],
  ["empty list", { source: [] }, [["empty-list", ["source"]]]],
  ["nested list", { source: [["aws.ec2"]] }, [["bad-value", ["source", 0]]]],
  ["empty operator object", { source: [{}] }, [["operator-count", ["source", 0]]]],
  ["two operators in one object", { source: [{ prefix: "a", suffix: "b" }] }, [["operator-count", ["source", 0]]]],
  ["unknown operator", { source: [{ contains: "ec2" }] }, [["unknown-operator", ["source", 0, "contains"]]]],
  ["prefix with a number", { time: [{ prefix: 2017 }] }, [["operand-type", ["time", 0, "prefix"]]]],
  ["prefix with another operator inside", { time: [{ prefix: { suffix: "x" } }] }, [["operand-type", ["time", 0, "prefix"]]]],
  ["prefix ignoring case with a number", { x: [{ prefix: { "equals-ignore-case": 1 } }] }, [["operand-type", ["x", 0, "prefix", "equals-ignore-case"]]]],
  ["suffix with a list", { x: [{ suffix: [".png"] }] }, [["operand-type", ["x", 0, "suffix"]]]],
  ["equals-ignore-case with a number", { x: [{ "equals-ignore-case": 1 }] }, [["operand-type", ["x", 0, "equals-ignore-case"]]]],
  ["wildcard with consecutive stars", { x: [{ wildcard: "a**b" }] }, [["bad-wildcard", ["x", 0, "wildcard"]]]],
  ["wildcard escaping a letter", { x: [{ wildcard: "a\\b" }] }, [["bad-wildcard", ["x", 0, "wildcard"]]]],
  ["wildcard ending in a backslash", { x: [{ wildcard: "a\\" }] }, [["bad-wildcard", ["x", 0, "wildcard"]]]],
  ["wildcard not a string", { x: [{ wildcard: 5 }] }, [["operand-type", ["x", 0, "wildcard"]]]],
  ["exists with a string", { x: [{ exists: "true" }] }, [["operand-type", ["x", 0, "exists"]]]],
  ["exists with null", { x: [{ exists: null }] }, [["operand-type", ["x", 0, "exists"]]]],
  ["cidr without a mask", { ip: [{ cidr: "10.0.0.0" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr with a word mask", { ip: [{ cidr: "10.0.0.0/ab" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr /32 on IPv4", { ip: [{ cidr: "10.0.0.1/32" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr /128 on IPv6", { ip: [{ cidr: "2001:db8::1/128" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr negative mask", { ip: [{ cidr: "10.0.0.0/-1" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr bad address", { ip: [{ cidr: "300.0.0.0/8" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr hostname", { ip: [{ cidr: "example.com/8" }] }, [["bad-cidr", ["ip", 0, "cidr"]]]],
  ["cidr not a string", { ip: [{ cidr: 10 }] }, [["operand-type", ["ip", 0, "cidr"]]]],
  ["numeric not a list", { n: [{ numeric: ">" }] }, [["bad-numeric", ["n", 0, "numeric"]]]],
  ["numeric empty", { n: [{ numeric: [] }] }, [["bad-numeric", ["n", 0, "numeric", 0]]]],
  ["numeric unknown operator", { n: [{ numeric: ["!=", 5] }] }, [["bad-numeric", ["n", 0, "numeric", 0]]]],
  ["numeric value as a string", { n: [{ numeric: [">", "5"] }] }, [["bad-numeric", ["n", 0, "numeric", 1]]]],
  ["numeric operator without value", { n: [{ numeric: [">"] }] }, [["bad-numeric", ["n", 0, "numeric", 1]]]],
  ["numeric upper bound first", { n: [{ numeric: ["<", 10, ">", 0] }] }, [["bad-numeric", ["n", 0, "numeric", 2]]]],
  ["numeric equals followed by more", { n: [{ numeric: ["=", 1, "<", 2] }] }, [["bad-numeric", ["n", 0, "numeric", 2]]]],
  ["numeric two lower bounds", { n: [{ numeric: [">", 0, ">", 5] }] }, [["bad-numeric", ["n", 0, "numeric", 2]]]],
  ["numeric upper bound value missing", { n: [{ numeric: [">", 0, "<"] }] }, [["bad-numeric", ["n", 0, "numeric", 3]]]],
  ["numeric too many elements", { n: [{ numeric: [">", 0, "<", 5, 6] }] }, [["bad-numeric", ["n", 0, "numeric", 4]]]],
  ["numeric empty range", { n: [{ numeric: [">", 5, "<", 5] }] }, [["empty-range", ["n", 0, "numeric"]]]],
  ["numeric inverted range", { n: [{ numeric: [">=", 10, "<=", 1] }] }, [["empty-range", ["n", 0, "numeric"]]]],
  ["numeric above the comparable range", { n: [{ numeric: ["<", 6e9] }] }, [["not-comparable", ["n", 0, "numeric", 1]]]],
  ["numeric seven decimals", { n: [{ numeric: ["=", 0.1234567] }] }, [["not-comparable", ["n", 0, "numeric", 1]]]],
  ["numeric > 5e9 leaves nothing", { n: [{ numeric: [">", 5e9] }] }, [["empty-range", ["n", 0, "numeric", 1]]]],
  ["anything-but null", { x: [{ "anything-but": null }] }, [["operand-type", ["x", 0, "anything-but"]]]],
  ["anything-but boolean", { x: [{ "anything-but": true }] }, [["operand-type", ["x", 0, "anything-but"]]]],
  ["anything-but empty list", { x: [{ "anything-but": [] }] }, [["empty-list", ["x", 0, "anything-but"]]]],
  ["anything-but mixed list", { x: [{ "anything-but": ["a", 1] }] }, [["mixed-types", ["x", 0, "anything-but"]]]],
  ["anything-but list with null", { x: [{ "anything-but": ["a", null] }] }, [["operand-type", ["x", 0, "anything-but", 1]]]],
  ["anything-but number out of range", { x: [{ "anything-but": 1e10 }] }, [["not-comparable", ["x", 0, "anything-but"]]]],
  ["anything-but numeric", { x: [{ "anything-but": { numeric: [">", 1] } }] }, [["unknown-operator", ["x", 0, "anything-but", "numeric"]]]],
  ["anything-but exists", { x: [{ "anything-but": { exists: true } }] }, [["unknown-operator", ["x", 0, "anything-but", "exists"]]]],
  ["anything-but empty prefix", { x: [{ "anything-but": { prefix: "" } }] }, [["empty-affix", ["x", 0, "anything-but", "prefix"]]]],
  ["anything-but empty suffix in a list", { x: [{ "anything-but": { suffix: [".a", ""] } }] }, [["empty-affix", ["x", 0, "anything-but", "suffix", 1]]]],
  ["anything-but ignore case with a number", { x: [{ "anything-but": { "equals-ignore-case": 5 } }] }, [["operand-type", ["x", 0, "anything-but", "equals-ignore-case"]]]],
  ["anything-but wildcard with consecutive stars", { x: [{ "anything-but": { wildcard: ["a*", "b**"] } }] }, [["bad-wildcard", ["x", 0, "anything-but", "wildcard", 1]]]],
  ["anything-but two inner operators", { x: [{ "anything-but": { prefix: "a", suffix: "b" } }] }, [["operator-count", ["x", 0, "anything-but"]]]],
  ["$or with one alternative", { $or: [{ a: ["1"] }] }, [["or-not-list", ["$or"]]]],
  ["$or with a string alternative", { $or: [{ a: ["1"] }, "b"] }, [["or-alternative-not-object", ["$or", 1]]]],
  ["$or with an empty alternative", { $or: [{ a: ["1"] }, {}] }, [["empty-object", ["$or", 1]]]],
  ["operator name as a field inside $or", { $or: [{ numeric: [1] }, { prefix: ["abc"] }] }, [["reserved-in-or", ["$or", 0, "numeric"]], ["reserved-in-or", ["$or", 1, "prefix"]]]],
  ["operator name nested inside $or", { $or: [{ detail: { exists: ["x"] } }, { a: ["1"] }] }, [["reserved-in-or", ["$or", 0, "detail", "exists"]]]],
  ["problem inside a $or alternative", { detail: { $or: [{ a: [] }, { b: ["1"] }] } }, [["empty-list", ["detail", "$or", 0, "a"]]]],
  [
    "several problems are all reported",
    { source: "aws.ec2", detail: { state: [], n: [{ numeric: ["<", "1"] }], ip: [{ cidr: "1.2.3.4" }] } },
    [
      ["leaf-not-list", ["source"]],
      ["empty-list", ["detail", "state"]],
      ["bad-numeric", ["detail", "n", 0, "numeric", 1]],
      ["bad-cidr", ["detail", "ip", 0, "cidr"]],
    ],
  ],
  ["longer than PutRule allows", { source: Array.from({ length: 500 }, (_, i) => `com.example.source-${i}`) }, [["too-long", []]]],
];

const VALID: [string, unknown][] = [
  ["prefix ignoring case", { x: [{ prefix: { "equals-ignore-case": "EventB" } }] }],
  ["empty prefix", { x: [{ prefix: "" }] }],
  ["anything-but prefix list", { x: [{ "anything-but": { prefix: ["a", "b"] } }] }],
  ["anything-but ignoring case, empty list", { x: [{ "anything-but": { "equals-ignore-case": [] } }] }],
  ["numeric at the limits", { x: [{ numeric: [">=", -5e9, "<=", 5e9] }] }],
  ["exact numbers beyond the comparable range", { account: [123456789012, 0.1234567] }],
  ["cidr /31 and IPv6 /127", { x: [{ cidr: "10.0.0.0/31" }, { cidr: "::/127" }] }],
  ["cidr with a trailing slash (Java's split drops it)", { x: [{ cidr: "10.0.0.0/8/" }] }],
  ["$or as a field outside $or alternatives", { detail: { $or: [{ a: ["1"] }, { b: [{ exists: false }] }] } }],
  ["operator names are ordinary fields outside $or", { prefix: ["a"], numeric: [1] }],
  ["wildcard with escapes", { x: [{ wildcard: "a\\*b\\\\*" }] }],
  ["legacy: \"$or\" holding an object is a field name", { source: ["aws.cloudwatch"], $or: { metricType: ["MetricType"] } }],
  ["legacy: \"$or\" holding values is a field name", { $or: ["a", "b"] }],
  ["a field named twice keeps the later (event-ruler compiles with overriding)", { "a.b": ["x"], a: { b: ["y"] } }],
];

describe("patternProblems", () => {
  it.each(INVALID)("%s", (_name, pattern, expected) => {
    const problems = patternProblems(pattern);
    expect(problems.map((p) => [p.code, p.path])).toEqual(expected);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });

  it.each(VALID)("accepts: %s", (_name, pattern) => {
    expect(patternProblems(pattern)).toEqual([]);
  });

  it("accepts every pattern of the documented match cases", () => {
    for (const c of [...DOC_CASES, ...EDGE_CASES]) expect(validatePattern(c.pattern), c.name).toEqual([]);
  });
});

describe("validatePattern", () => {
  it("formats each problem as <path>: <message>", () => {
    const lines = validatePattern({ detail: { state: "stopped", n: [{ numeric: [">", "0"] }] } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^detail\.state: /);
    expect(lines[0]).toContain('["stopped"]');
    expect(lines[1]).toMatch(/^detail\.n\[0\]\.numeric\[1\]: /);
  });

  it("is empty for an accepted pattern", () => {
    expect(validatePattern({ source: ["aws.ec2"], detail: { state: ["stopped"] } })).toEqual([]);
  });
});

describe("formatPatternPath", () => {
  it.each([
    [[], "pattern"],
    [["detail", "state", 0], "detail.state[0]"],
    [["detail-type"], "detail-type"],
    [["$or", 1, "a"], "$or[1].a"],
    [["detail", "a.b"], 'detail["a.b"]'],
    [["x", 0, "anything-but", "prefix"], "x[0].anything-but.prefix"],
  ] as [PatternPath, string][])("%j -> %s", (path, text) => {
    expect(formatPatternPath(path)).toBe(text);
  });
});
