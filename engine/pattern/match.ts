import { compilePattern, type CompiledField, type CompiledPattern } from "./compile.ts";
import { FlatEvent, NameRegistry, mergeMemberships, type Membership } from "./flatten.ts";

/**
 * Patterns compiled against one shared name registry, so an event is flattened once and
 * every pattern of the set reads the same buffer.
 */
export class CompiledSet {
  readonly registry = new NameRegistry();
  readonly patterns: CompiledPattern[] = [];
  private readonly testIds = new Map<string, number>();
  /** One representative field per distinct test, by test id. */
  private readonly tests: CompiledField[] = [];
  private flat: FlatEvent | undefined;
  // Single-branch patterns as runs of test ids in one typed array: evaluating a candidate
  // then touches a few contiguous bytes instead of a chain of objects, which matters once
  // a thousand patterns no longer fit in the CPU cache. -1 in `starts` marks $or patterns.
  private runs = new Int32Array(0);
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);

  /** Adds a pattern (validated on the way) and returns its index in the set. */
  add(pattern: unknown): number {
    const compiled = compilePattern(pattern);
    for (const branch of compiled.branches) {
      for (const field of branch) {
        field.slot = this.registry.slotOf(field.name);
        let id = this.testIds.get(field.key);
        if (id === undefined) {
          id = this.testIds.size;
          this.testIds.set(field.key, id);
          this.tests.push(field);
        }
        field.testId = id;
      }
    }
    this.flat = undefined;
    this.patterns.push(compiled);
    return this.patterns.length - 1;
  }

  private seal(): FlatEvent {
    const runs: number[] = [];
    const n = this.patterns.length;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.patterns.forEach((p, i) => {
      this.starts[i] = p.branches.length === 1 ? runs.length : -1;
      if (p.branches.length === 1) for (const f of p.branches[0]!) runs.push(f.testId);
      this.ends[i] = runs.length;
    });
    this.runs = Int32Array.from(runs);
    return new FlatEvent(this.registry, this.testIds.size);
  }

  /** Flattens `event` into the set's buffer and returns it. */
  load(event: unknown): FlatEvent {
    this.flat ??= this.seal();
    this.flat.load(event);
    return this.flat;
  }

  /** Whether pattern `index` matches the event last loaded into `flat`. */
  matches(index: number, flat: FlatEvent): boolean {
    const start = this.starts[index]!;
    if (start >= 0) {
      const end = this.ends[index]!;
      let i = start;
      for (; i < end; i++) {
        const test = this.tests[this.runs[i]!]!;
        if (flat.tracked(test.slot)) break;
        if (!plainOutcome(test, flat)) return false;
      }
      if (i === end) return true;
    }
    return matchesLoaded(this.patterns[index]!, flat);
  }
}

/** A field whose values sit in no tracked array element: its outcome holds for every branch. */
function plainOutcome(field: CompiledField, flat: FlatEvent): boolean {
  const known = flat.result(field.testId);
  if (known !== 0) return known === 1;
  const slot = field.slot;
  const count = flat.count(slot);
  let outcome = count === 0 && field.absent;
  if (count > 0) {
    const values = flat.values[slot]!;
    for (let i = 0; i < count && !outcome; i++) outcome = field.test(values[i]);
  }
  flat.remember(field.testId, outcome);
  return outcome;
}

function matchFields(fields: CompiledField[], index: number, flat: FlatEvent, membership: Membership): boolean {
  let field: CompiledField | undefined;
  for (; ; index++) {
    if (index === fields.length) return true;
    field = fields[index]!;
    if (flat.tracked(field.slot)) break;
    if (!plainOutcome(field, flat)) return false;
  }
  const slot = field.slot;
  const count = flat.count(slot);
  if (count > 0) {
    const values = flat.values[slot]!;
    const memberships = flat.memberships[slot]!;
    for (let i = 0; i < count; i++) {
      const merged = mergeMemberships(membership, memberships[i]!);
      if (merged === undefined) continue;
      if (field.test(values[i]) && matchFields(fields, index + 1, flat, merged)) return true;
    }
  }
  if (field.absent) {
    // Absent means no value of that name in the array elements chosen so far.
    for (let i = 0; i < count; i++) {
      if (mergeMemberships(membership, flat.memberships[slot]![i]!) !== undefined) return false;
    }
    return matchFields(fields, index + 1, flat, membership);
  }
  return false;
}

/**
 * Whether a compiled pattern matches the event currently loaded in `flat`.
 *
 * @example
 * const set = new CompiledSet();
 * const i = set.add({ source: ["aws.ec2"] });
 * matchesLoaded(set.patterns[i], set.load({ source: "aws.ec2" })); // true
 */
export function matchesLoaded(pattern: CompiledPattern, flat: FlatEvent): boolean {
  for (const branch of pattern.branches) {
    if (matchFields(branch, 0, flat, null)) return true;
  }
  return false;
}

const cache = new WeakMap<object, { set: CompiledSet; index: number }>();

function compiledFor(pattern: unknown): { set: CompiledSet; index: number } {
  if (typeof pattern === "object" && pattern !== null) {
    const hit = cache.get(pattern);
    if (hit) return hit;
  }
  const set = new CompiledSet();
  const entry = { set, index: set.add(pattern) };
  if (typeof pattern === "object" && pattern !== null) cache.set(pattern, entry);
  return entry;
}

/**
 * Whether `event` matches the EventBridge event pattern `pattern` (an object or its JSON
 * text), with EventBridge's semantics for every documented operator, arrays, `$or`, and
 * array consistency. Throws a CaretakerError when EventBridge would reject the pattern.
 * Compiled patterns are cached per pattern object, so do not mutate a pattern after use.
 *
 * @example
 * matchesPattern(
 *   { source: ["aws.ec2"], detail: { state: ["stopped", "stopping"] } },
 *   { source: "aws.ec2", detail: { state: "stopped" } },
 * ); // true
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const { set, index } = compiledFor(pattern);
  return set.matches(index, set.load(event));
}
