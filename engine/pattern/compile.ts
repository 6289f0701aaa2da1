import { CaretakerError } from "../errors.ts";
import { checkPattern, formatPatternPath, isPlainObject } from "./validate.ts";
import { compileValues, type CompiledValues } from "./values.ts";

/** An EventBridge event pattern as parsed JSON. */
export type EventPattern = Record<string, unknown>;

/**
 * One constrained field of a branch. `name` is the field's path joined with "." the way
 * event-ruler flattens it, so `{"detail": {"state": …}}` and `{"detail.state": …}` are one field.
 */
export interface CompiledField extends CompiledValues {
  name: string;
  /** Set by the registry that assigns every distinct name a slot in the flattened event. */
  slot: number;
  /** Name and values as canonical text: equal keys mean equal tests, evaluated once per event. */
  key: string;
  /** Set by the compiled set; fields with equal `key` share one. */
  testId: number;
}

/**
 * A pattern after $or expansion: it matches when any branch matches. Branch fields are
 * sorted by name because that is the order event-ruler evaluates them in, which decides
 * which array element an `exists: false` check is relative to.
 */
export interface CompiledPattern {
  branches: CompiledField[][];
  names: string[];
}

type Field = Omit<CompiledField, "slot" | "testId">;

/** Nested $or multiply; past this many combinations a pattern is refused rather than expanded. */
const MAX_BRANCHES = 1024;

function combine(branches: Field[][], alternatives: Field[][]): Field[][] {
  if (branches.length * alternatives.length > MAX_BRANCHES) {
    throw new CaretakerError(`event pattern: its $or combinations expand to more than ${MAX_BRANCHES} alternatives; simplify the $or nesting`);
  }
  return branches.flatMap((b) => alternatives.map((alt) => [...b, ...alt]));
}

function expand(obj: Record<string, unknown>, prefix: string, legacyOr: boolean): Field[][] {
  let branches: Field[][] = [[]];
  for (const [key, value] of Object.entries(obj)) {
    if (key === "$or" && !legacyOr && Array.isArray(value)) {
      const alternatives = value.flatMap((alt) => expand(alt as Record<string, unknown>, prefix, legacyOr));
      branches = combine(branches, alternatives);
      continue;
    }
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      const { test, absent, keys } = compileValues(value);
      // One literal with a fixed property order keeps every field the same hidden class.
      const field: Field = { name, key: `${name}\u0000${JSON.stringify(value)}`, test, absent, keys };
      for (const b of branches) b.push(field);
    } else if (isPlainObject(value)) {
      branches = combine(branches, expand(value, name, legacyOr));
    }
  }
  return branches;
}

/**
 * event-ruler compiles with overriding on: a field named twice in one branch (say
 * `"a.b"` and `"a": {"b": …}`, or an outer field repeated inside an $or alternative)
 * keeps the later one.
 */
function lastPerName(fields: Field[]): Field[] {
  const byName = new Map<string, Field>();
  for (const f of fields) {
    byName.delete(f.name);
    byName.set(f.name, f);
  }
  return [...byName.values()];
}

/**
 * Parses and validates a pattern (an object, or its JSON text) and compiles it into
 * branches of field predicates. Throws a CaretakerError listing every problem when
 * EventBridge would reject it.
 *
 * @example
 * compilePattern({ source: ["aws.ec2"] }).branches[0][0].name; // "source"
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  let parsed = pattern;
  if (typeof pattern === "string") {
    try {
      parsed = JSON.parse(pattern);
    } catch (e) {
      throw new CaretakerError(`event pattern is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  const { problems, legacyOr } = checkPattern(parsed);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${formatPatternPath(p.path)}: ${p.message}`);
    throw new CaretakerError(`invalid event pattern:\n${lines.join("\n")}`);
  }
  const branches = expand(parsed as EventPattern, "", legacyOr).map((fields) =>
    lastPerName(fields)
      .map((f): CompiledField => ({
        name: f.name, key: f.key, test: f.test, absent: f.absent, keys: f.keys, slot: -1, testId: -1,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );
  const names = [...new Set(branches.flat().map((f) => f.name))];
  return { branches, names };
}
