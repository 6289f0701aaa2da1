import type { MatchCase } from "./doc-cases.ts";

/**
 * Behaviour that follows from how event-ruler (EventBridge's matcher) compiles patterns and
 * flattens events, rather than from a documented example. Each cites the source file whose
 * behaviour it pins down.
 */
const SRC = "https://github.com/aws/event-ruler/blob/main/src/main/software/amazon/event/ruler";
const BYTE_MACHINE = `${SRC}/ByteMachine.java`;
const COMPILER = `${SRC}/JsonRuleCompiler.java`;
const CIDR = `${SRC}/CIDR.java`;
const NUMBER = `${SRC}/ComparableNumber.java`;
const AC = `${SRC}/ACFinder.java`;
const WILDCARD = `${SRC}/input/WildcardParser.java`;
const CASE = `${SRC}/input/EqualsIgnoreCaseParser.java`;

const c = (source: string, name: string, pattern: Record<string, unknown>, event: Record<string, unknown>, match: boolean): MatchCase => ({
  name,
  source,
  pattern,
  event,
  match,
});

export const EDGE_CASES: readonly MatchCase[] = [
  // anything-but only excludes values of its own type
  c(BYTE_MACHINE, "numeric anything-but does not exclude a number it cannot compare", { x: [{ "anything-but": [5] }] }, { x: 6e9 }, true),
  c(BYTE_MACHINE, "anything-but prefix lets null through", { x: [{ "anything-but": { prefix: "a" } }] }, { x: null }, true),
  c(BYTE_MACHINE, "anything-but prefix lets booleans through", { x: [{ "anything-but": { prefix: "t" } }] }, { x: true }, true),
  c(BYTE_MACHINE, "anything-but on an empty list has no value to match", { x: [{ "anything-but": "a" }] }, { x: [] }, false),
  c(BYTE_MACHINE, "anything-but wildcard lets numbers through", { x: [{ "anything-but": { wildcard: "*" } }] }, { x: 1 }, true),
  c(COMPILER, "anything-but with an empty suffix list excludes nothing", { x: [{ "anything-but": { suffix: [] } }] }, { x: "a.png" }, true),
  c(BYTE_MACHINE, "anything-but wildcard * excludes every string", { x: [{ "anything-but": { wildcard: "*" } }] }, { x: "" }, false),

  // strings versus other types
  c(BYTE_MACHINE, "empty prefix matches any string", { x: [{ prefix: "" }] }, { x: "anything" }, true),
  c(BYTE_MACHINE, "empty prefix does not match a number", { x: [{ prefix: "" }] }, { x: 12 }, false),
  c(BYTE_MACHINE, "suffix does not match null", { x: [{ suffix: "" }] }, { x: null }, false),
  c(BYTE_MACHINE, "equals-ignore-case of empty matches only empty", { x: [{ "equals-ignore-case": "" }] }, { x: "a" }, false),
  c(BYTE_MACHINE, "a number pattern does not match its digits as a string", { x: [5] }, { x: "5" }, false),
  c(BYTE_MACHINE, "a string pattern does not match the number", { x: ["5"] }, { x: 5 }, false),
  c(BYTE_MACHINE, "null pattern does not match the string null", { x: [null] }, { x: "null" }, false),

  // numbers compare as numbers
  c(NUMBER, "exact 3.0 equals 3", { x: [3.0] }, { x: 3 }, true),
  c(NUMBER, "exact -0 equals 0", { x: [0] }, { x: -0 }, true),
  c(COMPILER, "exact numbers beyond the comparable range still match themselves", { account: [123456789012] }, { account: 123456789012 }, true),
  c(NUMBER, "numeric ranges ignore numbers with more than six decimals", { x: [{ numeric: ["<", 1] }] }, { x: 0.1234567 }, false),
  c(NUMBER, "numeric ranges accept six decimals", { x: [{ numeric: ["<", 1] }] }, { x: 0.123456 }, true),
  c(NUMBER, "numeric -5e9 is the lowest comparable number", { x: [{ numeric: ["<", 0] }] }, { x: -5e9 }, true),
  c(NUMBER, "numeric below -5e9 cannot be compared", { x: [{ numeric: ["<", 0] }] }, { x: -5.1e9 }, false),
  c(BYTE_MACHINE, "numeric over an array matches any element", { x: [{ numeric: [">", 10] }] }, { x: ["a", 3, 11] }, true),

  // IP addresses
  c(COMPILER, "a plain IPv6 value matches the same address written differently", { ip: ["2001:db8::1"] }, { ip: "2001:0DB8:0:0:0:0:0:1" }, true),
  c(COMPILER, "a plain IPv4 value matches itself", { ip: ["10.0.0.1"] }, { ip: "10.0.0.1" }, true),
  c(COMPILER, "a plain IPv4 value does not match another address", { ip: ["10.0.0.1"] }, { ip: "10.0.0.2" }, false),
  c(CIDR, "cidr /0 covers every IPv4 address", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: "255.1.2.3" }, true),
  c(CIDR, "cidr range starts at the address as written", { ip: [{ cidr: "10.0.0.5/24" }] }, { ip: "10.0.0.1" }, false),
  c(CIDR, "cidr range ends at the block's end", { ip: [{ cidr: "10.0.0.5/24" }] }, { ip: "10.0.0.200" }, true),
  c(CIDR, "cidr does not match a number", { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: 10 }, false),
  c(CIDR, "cidr does not match an address with a leading zero", { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "10.0.0.01" }, false),
  c(CIDR, "cidr /127 on IPv6", { ip: [{ cidr: "2001:db8::/127" }] }, { ip: "2001:db8::1" }, true),

  // wildcards
  c(WILDCARD, "wildcard with a middle piece", { x: [{ wildcard: "a*b*c" }] }, { x: "aXXbYYc" }, true),
  c(WILDCARD, "wildcard pieces must appear in order", { x: [{ wildcard: "a*b*c" }] }, { x: "acb" }, false),
  c(WILDCARD, "wildcard prefix and suffix may not overlap", { x: [{ wildcard: "ab*ba" }] }, { x: "aba" }, false),
  c(WILDCARD, "wildcard without a star is an exact match", { x: [{ wildcard: "abc" }] }, { x: "abc" }, true),
  c(WILDCARD, "wildcard is case sensitive", { x: [{ wildcard: "A*" }] }, { x: "abc" }, false),

  // case folding per character
  c(CASE, "equals-ignore-case folds non-ASCII letters", { x: [{ "equals-ignore-case": "ÄÖÜ" }] }, { x: "äöü" }, true),
  c(CASE, "equals-ignore-case accepts the upper-case spelling of ß", { x: [{ "equals-ignore-case": "straße" }] }, { x: "STRASSE" }, true),
  c(CASE, "prefix ignoring case on a non-ASCII value", { x: [{ prefix: { "equals-ignore-case": "ab" } }] }, { x: "ABé" }, true),

  // exists and absence with arrays
  c(AC, "exists false looks only at the array element already chosen", { items: { sku: ["a"], "x-gift": [{ exists: false }] } }, { items: [{ sku: "a" }, { sku: "b", "x-gift": true }] }, true),
  c(AC, "exists false fails when the chosen element has the field", { items: { sku: ["b"], "x-gift": [{ exists: false }] } }, { items: [{ sku: "a" }, { sku: "b", "x-gift": true }] }, false),
  c(BYTE_MACHINE, "exists true on a list of objects is not a leaf", { items: [{ exists: true }] }, { items: [{ sku: "a" }] }, false),
  c(BYTE_MACHINE, "exists false on an empty object", { detail: { x: [{ exists: false }] } }, { detail: { x: {} } }, true),
  c(BYTE_MACHINE, "a value or absence in one list", { x: ["a", { exists: false }] }, {}, true),
  c(BYTE_MACHINE, "a value or absence in one list, other value present", { x: ["a", { exists: false }] }, { x: "b" }, false),

  // $or and array consistency together
  c(AC, "$or alternative must hold within one array element", { items: { $or: [{ sku: ["a"], qty: [2] }, { sku: ["z"] }] } }, { items: [{ sku: "a", qty: 1 }, { sku: "b", qty: 2 }] }, false),
  c(AC, "$or alternative holding within one element", { items: { $or: [{ sku: ["a"], qty: [2] }, { sku: ["z"] }] } }, { items: [{ sku: "b", qty: 1 }, { sku: "a", qty: 2 }] }, true),
  c(AC, "array consistency spans nesting levels", { a: { b: { c: ["1"] }, d: ["2"] } }, { a: [{ b: [{ c: "1" }], d: "2" }, { d: "3" }] }, true),
  c(AC, "array consistency across an inner array", { a: { b: { c: ["1"], e: ["2"] } } }, { a: [{ b: [{ c: "1" }, { e: "2" }] }] }, false),

  // a field named twice in one branch: the later wins (rule overriding)
  c(COMPILER, "dotted and nested spellings of one field: the later wins", { "a.b": ["x"], a: { b: ["y"] } }, { a: { b: "y" } }, true),
  c(COMPILER, "dotted and nested spellings of one field: the earlier is dropped", { "a.b": ["x"], a: { b: ["y"] } }, { a: { b: "x" } }, false),
  c(COMPILER, "an $or alternative overrides an outer field", { a: ["1"], $or: [{ a: ["2"] }, { b: ["3"] }] }, { a: "2" }, true),
  c(COMPILER, "the other $or alternative keeps the outer field", { a: ["1"], $or: [{ a: ["2"] }, { b: ["3"] }] }, { a: "1", b: "3" }, true),
  c(COMPILER, "the outer field alone is not enough", { a: ["1"], $or: [{ a: ["2"] }, { b: ["3"] }] }, { a: "1" }, false),

  // keys with dots
  c(COMPILER, "a dotted top-level event key", { "detail.state": ["on"] }, { "detail.state": "on" }, true),
  c(COMPILER, "a dotted event key inside an array", { a: { b: { c: ["x"] } } }, { a: [{ "b.c": "x" }] }, true),
];
