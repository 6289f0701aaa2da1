import { NUMERIC_LIMIT, isComparableNumber, parseWildcard } from "./operands.ts";
import { parseCidr } from "./ip.ts";

/** Where a problem sits inside the pattern: object keys and list indexes from the root. */
export type PatternPath = (string | number)[];

/** One reason EventBridge would reject a pattern; `code` is stable and used by tests. */
export interface PatternProblem {
  path: PatternPath;
  code: ProblemCode;
  message: string;
}

/** The kinds of problems, one id each. */
export const PROBLEM_CODES = [
  "not-object", "too-long", "empty-object", "reserved-in-or", "leaf-not-list", "or-not-list",
  "or-alternative-not-object", "empty-list", "bad-value", "operator-count", "operand-type", "bad-cidr",
  "unknown-operator", "bad-wildcard", "not-comparable", "mixed-types", "empty-affix", "bad-numeric", "empty-range",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The operators EventBridge documents inside a leaf list. */
export const OPERATORS = [
  "prefix",
  "suffix",
  "equals-ignore-case",
  "wildcard",
  "anything-but",
  "numeric",
  "exists",
  "cidr",
] as const;

const OPERATOR_LIST = OPERATORS.join(", ");

// event-ruler refuses these as field names inside $or, so a misplaced operator is not silently a field.
const RESERVED_IN_OR = new Set<string>([
  "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric",
  "cidr", "html", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
  "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
  "ip-address-in-range", "ip-address-not-in-range",
]);

/** PutRule's limit on the EventPattern string. */
const MAX_PATTERN_LENGTH = 4096;

const NUMERIC_OPERATORS = new Set(["=", "<", "<=", ">", ">="]);

/** A plain JSON object (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

class Collector {
  readonly problems: PatternProblem[] = [];
  constructor(readonly legacyOr: boolean) {}
  add(path: PatternPath, code: ProblemCode, message: string): void {
    this.problems.push({ path: [...path], code, message });
  }
}

/**
 * Every reason EventBridge would reject `pattern`, each with its JSON path inside the
 * pattern. Empty when EventBridge would accept it. Collects all problems, never only the first.
 *
 * @example
 * patternProblems({ detail: { state: "stopped" } });
 * // [{ path: ["detail", "state"], code: "leaf-not-list",
 * //    message: 'a pattern leaf must be a list of values, e.g. ["stopped"]' }]
 */
export function patternProblems(pattern: unknown): PatternProblem[] {
  return checkPattern(pattern).problems;
}

/**
 * How EventBridge reads a pattern: its problems, and whether it is accepted only as a legacy
 * pattern in which "$or" is an ordinary field name. event-ruler first compiles with "$or"
 * meaning OR and, when that fails, retries treating "$or" as a field, so
 * `{"$or": {"a": ["1"]}}` is a valid pattern about a field named "$or".
 *
 * @example
 * checkPattern({ $or: { a: ["1"] } }); // { problems: [], legacyOr: true }
 */
export function checkPattern(pattern: unknown): { problems: PatternProblem[]; legacyOr: boolean } {
  const strict = check(pattern, false);
  if (strict.length > 0 && JSON.stringify(pattern)?.includes('"$or"') && check(pattern, true).length === 0) {
    return { problems: [], legacyOr: true };
  }
  return { problems: strict, legacyOr: false };
}

function check(pattern: unknown, legacyOr: boolean): PatternProblem[] {
  const out = new Collector(legacyOr);
  if (!isPlainObject(pattern)) {
    out.add([], "not-object", `an event pattern must be a JSON object such as {"source": ["aws.ec2"]}, not ${describe(pattern)}`);
    return out.problems;
  }
  const text = JSON.stringify(pattern);
  if (text.length > MAX_PATTERN_LENGTH) {
    out.add([], "too-long", `the pattern is ${text.length} characters as JSON; EventBridge allows at most ${MAX_PATTERN_LENGTH}. Split it into several policies`);
  }
  checkObject(pattern, [], false, out);
  return out.problems;
}

function checkObject(obj: Record<string, unknown>, path: PatternPath, insideOr: boolean, out: Collector): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    out.add(path, "empty-object", "empty objects are not allowed; add a field to match or remove the object");
    return;
  }
  for (const key of keys) {
    const value = obj[key];
    const at = [...path, key];
    if (key === "$or" && !out.legacyOr) {
      checkOr(value, at, out);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      out.add(at, "reserved-in-or", `"${key}" is an operator name and cannot be a field inside $or; operators go inside a value list, e.g. "field": [{"${key}": ...}]`);
      continue;
    }
    if (Array.isArray(value)) checkLeaf(value, at, out);
    else if (isPlainObject(value)) checkObject(value, at, insideOr, out);
    else {
      const example = value === undefined ? `["stopped"]` : `[${JSON.stringify(value)}]`;
      out.add(at, "leaf-not-list", `a pattern leaf must be a list of values, e.g. ${example}`);
    }
  }
}

function checkOr(value: unknown, path: PatternPath, out: Collector): void {
  if (!Array.isArray(value) || value.length < 2) {
    out.add(path, "or-not-list", `$or must be a list of at least two objects, e.g. "$or": [{"a": ["x"]}, {"b": ["y"]}]`);
    if (!Array.isArray(value)) return;
  }
  value.forEach((alternative, i) => {
    if (isPlainObject(alternative)) checkObject(alternative, [...path, i], true, out);
    else out.add([...path, i], "or-alternative-not-object", `each $or alternative must be an object of fields, not ${describe(alternative)}`);
  });
}

function checkLeaf(values: unknown[], path: PatternPath, out: Collector): void {
  if (values.length === 0) {
    out.add(path, "empty-list", `an empty list matches nothing; list at least one value, e.g. ["stopped"]`);
    return;
  }
  values.forEach((value, i) => {
    const at = [...path, i];
    if (value === null || typeof value === "string" || typeof value === "boolean") return;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) out.add(at, "bad-value", "numbers must be finite");
      return;
    }
    if (Array.isArray(value)) {
      out.add(at, "bad-value", "a value list cannot contain another list; put every value in the one list");
      return;
    }
    if (isPlainObject(value)) {
      checkOperator(value, at, out);
      return;
    }
    out.add(at, "bad-value", `a value must be a string, number, true, false, null or an operator object, not ${describe(value)}`);
  });
}

function checkOperator(obj: Record<string, unknown>, path: PatternPath, out: Collector): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    out.add(path, "operator-count", `an operator object needs exactly one operator: ${OPERATOR_LIST}`);
    return;
  }
  if (keys.length > 1) {
    out.add(path, "operator-count", `an operator object takes exactly one operator but has ${keys.join(", ")}; put each in its own list item`);
    return;
  }
  const op = keys[0]!;
  const operand = obj[op];
  const at = [...path, op];
  switch (op) {
    case "prefix":
    case "suffix":
      checkAffix(op, operand, at, out);
      return;
    case "equals-ignore-case":
      if (typeof operand !== "string") out.add(at, "operand-type", `equals-ignore-case takes a string, e.g. {"equals-ignore-case": "Stopped"}`);
      return;
    case "wildcard":
      checkWildcard(operand, at, out);
      return;
    case "anything-but":
      checkAnythingBut(operand, at, out);
      return;
    case "numeric":
      checkNumeric(operand, at, out);
      return;
    case "exists":
      if (typeof operand !== "boolean") out.add(at, "operand-type", `exists takes true or false, e.g. {"exists": true}, not ${describe(operand)}`);
      return;
    case "cidr": {
      if (typeof operand !== "string") {
        out.add(at, "operand-type", `cidr takes a string such as "10.0.0.0/24"`);
        return;
      }
      const range = parseCidr(operand);
      if (typeof range === "string") out.add(at, "bad-cidr", range);
      return;
    }
    default:
      out.add(at, "unknown-operator", `unknown operator "${op}"; use one of ${OPERATOR_LIST}`);
  }
}

function checkAffix(op: "prefix" | "suffix", operand: unknown, path: PatternPath, out: Collector): void {
  if (typeof operand === "string") return;
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === "equals-ignore-case") {
      if (typeof operand["equals-ignore-case"] !== "string") {
        out.add([...path, "equals-ignore-case"], "operand-type", `equals-ignore-case inside ${op} takes a string`);
      }
      return;
    }
    out.add(path, "operand-type", `${op} takes a string, or {"equals-ignore-case": "..."} to ignore case; found ${keys.length === 0 ? "an empty object" : keys.join(", ")}`);
    return;
  }
  out.add(path, "operand-type", `${op} takes a string, e.g. {"${op}": "${op === "prefix" ? "2017-10-02" : ".png"}"}, not ${describe(operand)}`);
}

function checkWildcard(operand: unknown, path: PatternPath, out: Collector): void {
  if (typeof operand !== "string") {
    out.add(path, "operand-type", `wildcard takes a string such as "dir/*.png", not ${describe(operand)}`);
    return;
  }
  const pieces = parseWildcard(operand);
  if (typeof pieces === "string") out.add(path, "bad-wildcard", pieces);
}

function comparableProblem(n: number): string | undefined {
  if (isComparableNumber(n)) return undefined;
  return `${n} cannot be compared: EventBridge compares numbers between -5e9 and 5e9 with at most 6 decimal places`;
}

function checkAnythingBut(operand: unknown, path: PatternPath, out: Collector): void {
  if (typeof operand === "string") return;
  if (typeof operand === "number") {
    const problem = comparableProblem(operand);
    if (problem) out.add(path, "not-comparable", problem);
    return;
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) {
      out.add(path, "empty-list", "anything-but needs at least one value to exclude");
      return;
    }
    const strings = operand.filter((v) => typeof v === "string").length;
    const numbers = operand.filter((v) => typeof v === "number").length;
    operand.forEach((v, i) => {
      if (typeof v === "number") {
        const problem = comparableProblem(v);
        if (problem) out.add([...path, i], "not-comparable", problem);
      } else if (typeof v !== "string") {
        out.add([...path, i], "operand-type", `anything-but lists hold only strings or only numbers, not ${describe(v)}`);
      }
    });
    if (strings > 0 && numbers > 0) out.add(path, "mixed-types", "anything-but lists must be all strings or all numbers, not a mix; use two list items");
    return;
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) {
      out.add(path, "operator-count", `anything-but takes exactly one of prefix, suffix, equals-ignore-case, wildcard; found ${keys.length === 0 ? "none" : keys.join(", ")}`);
      return;
    }
    const inner = keys[0]!;
    const innerOperand = operand[inner];
    const at = [...path, inner];
    if (inner !== "prefix" && inner !== "suffix" && inner !== "equals-ignore-case" && inner !== "wildcard") {
      out.add(at, "unknown-operator", `anything-but cannot be combined with "${inner}"; use prefix, suffix, equals-ignore-case or wildcard`);
      return;
    }
    // event-ruler accepts an empty list here; it then excludes nothing.
    const items = Array.isArray(innerOperand) ? innerOperand : [innerOperand];
    items.forEach((item, i) => {
      const itemAt = Array.isArray(innerOperand) ? [...at, i] : at;
      if (typeof item !== "string") {
        out.add(itemAt, "operand-type", `anything-but ${inner} takes a string or a list of strings, not ${describe(item)}`);
        return;
      }
      if ((inner === "prefix" || inner === "suffix") && item === "") {
        out.add(itemAt, "empty-affix", `an empty ${inner} would exclude every string; give a non-empty ${inner}`);
      }
      if (inner === "wildcard") {
        const pieces = parseWildcard(item);
        if (typeof pieces === "string") out.add(itemAt, "bad-wildcard", pieces);
      }
    });
    return;
  }
  out.add(path, "operand-type", `anything-but takes a string, a number, a list of either, or an object such as {"prefix": "init"}; not ${describe(operand)}`);
}

function checkNumeric(operand: unknown, path: PatternPath, out: Collector): void {
  const example = `e.g. {"numeric": [">", 0, "<=", 5]}`;
  if (!Array.isArray(operand)) {
    out.add(path, "bad-numeric", `numeric takes a list of operators and numbers, ${example}`);
    return;
  }
  const op = operand[0];
  if (typeof op !== "string" || !NUMERIC_OPERATORS.has(op)) {
    out.add([...path, 0], "bad-numeric", `a numeric comparison starts with one of =, <, <=, >, >=; ${example}`);
    return;
  }
  const first = operand[1];
  if (typeof first !== "number") {
    out.add([...path, 1], "bad-numeric", `"${op}" must be followed by a number, ${example}`);
    return;
  }
  let bad = false;
  const firstProblem = comparableProblem(first);
  if (firstProblem) {
    out.add([...path, 1], "not-comparable", firstProblem);
    bad = true;
  }
  if (operand.length === 2) {
    if (bad) return;
    // A one-sided range is bounded by ±5e9, so it must leave room inside those bounds.
    if (((op === ">" || op === ">=") && first >= NUMERIC_LIMIT) || ((op === "<" || op === "<=") && first <= -NUMERIC_LIMIT)) {
      out.add([...path, 1], "empty-range", `no comparable number is ${op} ${first}; numbers are compared between -5e9 and 5e9`);
    }
    return;
  }
  if (op !== ">" && op !== ">=") {
    out.add([...path, 2], "bad-numeric", `after "${op}" nothing may follow; a range starts with its lower bound, e.g. [">", 0, "<=", 5]`);
    return;
  }
  const upperOp = operand[2];
  if (upperOp !== "<" && upperOp !== "<=") {
    out.add([...path, 2], "bad-numeric", `the upper bound of a range uses < or <=, e.g. [">", 0, "<=", 5]`);
    return;
  }
  const upper = operand[3];
  if (typeof upper !== "number") {
    out.add([...path, 3], "bad-numeric", `"${upperOp}" must be followed by a number, ${example}`);
    return;
  }
  const upperProblem = comparableProblem(upper);
  if (upperProblem) {
    out.add([...path, 3], "not-comparable", upperProblem);
    bad = true;
  }
  if (operand.length > 4) {
    out.add([...path, 4], "bad-numeric", `a numeric range has at most four elements, ${example}`);
    return;
  }
  if (!bad && first >= upper) out.add(path, "empty-range", `the lower bound ${first} must be less than the upper bound ${upper}`);
}

const PLAIN_KEY = /^[A-Za-z0-9_$\-]+$/;

/**
 * Renders a pattern path the way users read it: `detail.state[0]`, `["a.b"]` for keys that
 * are not plain names, and `pattern` for the root.
 *
 * @example
 * formatPatternPath(["detail", "state", 0]); // "detail.state[0]"
 */
export function formatPatternPath(path: PatternPath): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (PLAIN_KEY.test(step)) out += out === "" ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out === "" ? "pattern" : out;
}

/**
 * Every reason EventBridge would reject `pattern`, one `<path>: <message>` line each;
 * empty when EventBridge would accept it.
 *
 * @example
 * validatePattern({ source: ["aws.ec2"], detail: { state: [] } });
 * // ['detail.state: an empty list matches nothing; list at least one value, e.g. ["stopped"]']
 */
export function validatePattern(pattern: unknown): string[] {
  return patternProblems(pattern).map((p) => `${formatPatternPath(p.path)}: ${p.message}`);
}
