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
  // Single-branch patterns as [test id, slot] pairs in one typed array and their [start, end)
  // in another: evaluating a candidate then reads a few contiguous bytes instead of chasing
  // objects, which matters once a thousand patterns no longer fit in the CPU cache.
  // A start of -1 marks a pattern with $or branches, evaluated from its objects.
  private runs = new Int32Array(0);
  private spans = new Int32Array(0);

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
    this.spans = new Int32Array(n * 2);
    this.patterns.forEach((p, i) => {
      const single = p.branches.length === 1;
      this.spans[i * 2] = single ? runs.length : -1;
      if (single) for (const f of p.branches[0]!) runs.push(f.testId, f.slot);
      this.spans[i * 2 + 1] = runs.length;
    });
    this.runs = Int32Array.from(runs);
    return new FlatEvent(this.registry, this.tests);
  }

  /** Flattens `event` into the set's buffer and returns it. */
  load(event: unknown): FlatEvent {
    this.flat ??= this.seal();
    this.flat.load(event);
    return this.flat;
  }

  /** Whether pattern `index` matches the event last loaded into `flat`. */
  matches(index: number, flat: FlatEvent): boolean {
    const start = this.spans[index * 2]!;
    if (start >= 0) {
      const end = this.spans[index * 2 + 1]!;
      const runs = this.runs;
      let i = start;
      for (; i < end; i += 2) {
        if (flat.tracked(runs[i + 1]!)) break;
        if (!flat.outcome(runs[i]!)) return false;
      }
      if (i === end) return true;
    }
    return matchesLoaded(this.patterns[index]!, flat);
  }
}

function matchFields(fields: CompiledField[], index: number, flat: FlatEvent, membership: Membership): boolean {
  let field: CompiledField | undefined;
  for (; ; index++) {
    if (index === fields.length) return true;
    field = fields[index]!;
    if (flat.tracked(field.slot)) break;
    if (!flat.outcome(field.testId)) return false;
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

interface CacheEntry {
  text: string;
  set: CompiledSet;
  index: number;
}

// Compiling costs far more than matching, so matchesPattern keeps compiled patterns: by
// object (checked against its JSON text, so a pattern edited in place is recompiled) and by
// JSON text for patterns given as strings.
const byObject = new WeakMap<object, CacheEntry>();
const byText = new Map<string, CacheEntry>();
const MAX_TEXT_ENTRIES = 1000;

function compiledFor(pattern: unknown): CacheEntry {
  const isObject = typeof pattern === "object" && pattern !== null;
  const text = typeof pattern === "string" ? pattern : JSON.stringify(pattern) ?? "";
  const hit = isObject ? byObject.get(pattern) : byText.get(text);
  if (hit && hit.text === text) return hit;
  const set = new CompiledSet();
  const entry = { text, set, index: set.add(pattern) };
  if (isObject) byObject.set(pattern, entry);
  else {
    if (byText.size >= MAX_TEXT_ENTRIES) byText.clear();
    byText.set(text, entry);
  }
  return entry;
}

/**
 * Whether `event` matches the EventBridge event pattern `pattern` (an object or its JSON
 * text), with EventBridge's semantics for every documented operator, arrays, `$or`, and
 * array consistency. Throws a CaretakerError when EventBridge would reject the pattern.
 * To match one event against many patterns, use {@link createRouter}.
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
