import { foldCase, isComparableNumber, matchesFolded, matchesWildcard, parseWildcard } from "./operands.ts";
import { ipKey, parseCidr } from "./ip.ts";
import { isPlainObject } from "./validate.ts";

/** Tests one leaf value of the event (string, number, boolean or null). */
export type ValueTest = (value: unknown) => boolean;

/** A compiled value list: the OR of its items, plus whether a missing field satisfies it. */
export interface CompiledValues {
  test: ValueTest;
  /** `{"exists": false}` is in the list. */
  absent: boolean;
  /**
   * When every item is a plain string, a plain number or a case-sensitive prefix, the values
   * an index can look the field up by; else undefined.
   */
  keys: IndexKeys | undefined;
}

/** Values a router can index a field by. */
export interface IndexKeys {
  strings: string[];
  numbers: number[];
  prefixes: string[];
}

const never: ValueTest = () => false;
const always: ValueTest = () => true;

function wildcardTest(text: string): (v: string) => boolean {
  const pieces = parseWildcard(text);
  if (typeof pieces === "string") return () => false;
  return (v) => matchesWildcard(pieces, v);
}

function foldedTest(text: string, how: "equals" | "prefix" | "suffix"): (v: string) => boolean {
  const folded = foldCase(text);
  return (v) => matchesFolded(folded, v, how);
}

function stringTest(op: string, text: string): (v: string) => boolean {
  switch (op) {
    case "prefix":
      return (v) => v.startsWith(text);
    case "suffix":
      return (v) => v.endsWith(text);
    case "equals-ignore-case":
      return foldedTest(text, "equals");
    case "wildcard":
      return wildcardTest(text);
    default:
      return () => false;
  }
}

/** Applies a string predicate only to string values; operators never match other types. */
function onStrings(test: (v: string) => boolean): ValueTest {
  return (v) => typeof v === "string" && test(v);
}

function affixTest(op: "prefix" | "suffix", operand: unknown): ValueTest {
  if (typeof operand === "string") return onStrings(stringTest(op, operand));
  const text = (operand as Record<string, string>)["equals-ignore-case"]!;
  return onStrings(foldedTest(text, op));
}

/**
 * Anything-but excludes values of its own kind only: a string list never excludes numbers,
 * null or booleans, and a number list excludes only numbers EventBridge can compare.
 */
function anythingButTest(operand: unknown): ValueTest {
  if (isPlainObject(operand)) {
    const inner = Object.keys(operand)[0]!;
    const raw = operand[inner];
    const items = (Array.isArray(raw) ? raw : [raw]) as string[];
    const excluded = items.map((text) => stringTest(inner, text));
    return (v) => typeof v !== "string" || !excluded.some((t) => t(v));
  }
  const items = Array.isArray(operand) ? operand : [operand];
  if (typeof items[0] === "number") {
    const numbers = new Set(items as number[]);
    return (v) => typeof v !== "number" || !isComparableNumber(v) || !numbers.has(v);
  }
  const strings = new Set(items as string[]);
  return (v) => typeof v !== "string" || !strings.has(v);
}

function numericTest(operand: unknown[]): ValueTest {
  const [op, a, upperOp, b] = operand as [string, number, string | undefined, number | undefined];
  let lower = -Infinity;
  let lowerOpen = false;
  let upper = Infinity;
  let upperOpen = false;
  switch (op) {
    case "=":
      return (v) => typeof v === "number" && v === a && isComparableNumber(v);
    case ">":
      lower = a;
      lowerOpen = true;
      break;
    case ">=":
      lower = a;
      break;
    case "<":
      upper = a;
      upperOpen = true;
      break;
    case "<=":
      upper = a;
      break;
  }
  if (upperOp !== undefined && b !== undefined) {
    upper = b;
    upperOpen = upperOp === "<";
  }
  return (v) =>
    typeof v === "number" &&
    (lowerOpen ? v > lower : v >= lower) &&
    (upperOpen ? v < upper : v <= upper) &&
    isComparableNumber(v);
}

function cidrTest(operand: string): ValueTest {
  const range = parseCidr(operand);
  if (typeof range === "string") return never;
  return (v) => {
    if (typeof v !== "string") return false;
    const key = ipKey(v);
    return key !== undefined && key.length === range.low.length && key >= range.low && key <= range.high;
  };
}

function operatorTest(item: Record<string, unknown>): ValueTest | "absent" {
  const op = Object.keys(item)[0]!;
  const operand = item[op];
  switch (op) {
    case "prefix":
    case "suffix":
      return affixTest(op, operand);
    case "equals-ignore-case":
    case "wildcard":
      return onStrings(stringTest(op, operand as string));
    case "anything-but":
      return anythingButTest(operand);
    case "numeric":
      return numericTest(operand as unknown[]);
    case "exists":
      return operand === true ? always : "absent";
    case "cidr":
      return cidrTest(operand as string);
    default:
      return never;
  }
}

/** Membership in a few strings, specialised so the common one-value case is one comparison. */
function stringIn(strings: string[]): ValueTest {
  if (strings.length === 1) {
    const only = strings[0];
    return (v) => v === only;
  }
  if (strings.length === 2) {
    const [a, b] = strings;
    return (v) => v === a || v === b;
  }
  const set = new Set(strings);
  return (v) => typeof v === "string" && set.has(v);
}

function anyOf(tests: ValueTest[]): ValueTest {
  if (tests.length === 0) return never;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [ValueTest, ValueTest];
    return (v) => a(v) || b(v);
  }
  return (v) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

/**
 * Compiles one (already validated) value list into a single predicate. Plain strings that are
 * IP addresses compare as addresses, as in EventBridge ("2001:db8::1" equals "2001:DB8:0::1").
 *
 * @example
 * compileValues(["stopped", { prefix: "stop" }]).test("stopping"); // true
 */
export function compileValues(values: readonly unknown[]): CompiledValues {
  const strings: string[] = [];
  const ips: string[] = [];
  const numbers: number[] = [];
  const literals: unknown[] = [];
  const prefixes: string[] = [];
  const tests: ValueTest[] = [];
  let absent = false;
  let others = 0;
  for (const item of values) {
    if (typeof item === "string") {
      const ip = ipKey(item);
      if (ip !== undefined) ips.push(ip);
      else strings.push(item);
    } else if (typeof item === "number") numbers.push(item);
    else if (item === null || typeof item === "boolean") literals.push(item);
    else if (isPlainObject(item)) {
      const test = operatorTest(item);
      if (typeof item.prefix === "string") prefixes.push(item.prefix);
      else others++;
      if (test === "absent") absent = true;
      else tests.push(test);
    }
  }
  if (strings.length > 0) tests.unshift(stringIn(strings));
  if (numbers.length > 0) tests.push((v) => typeof v === "number" && numbers.includes(v));
  if (literals.length > 0) tests.push((v) => literals.includes(v));
  if (ips.length > 0) {
    tests.push((v) => {
      if (typeof v !== "string") return false;
      const key = ipKey(v);
      return key !== undefined && ips.includes(key);
    });
  }
  const indexable = others === 0 && ips.length === 0 && literals.length === 0;
  return { test: anyOf(tests), absent, keys: indexable ? { strings, numbers, prefixes } : undefined };
}
