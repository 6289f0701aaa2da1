/**
 * Flattens an event into the leaf values the patterns ask about, the way event-ruler sees
 * an event: each leaf is named by its path joined with ".", arrays are "crushed out"
 * (every element is a value of the same name), and each value remembers which element of
 * which array it came from so fields of one pattern can be held to the same element.
 */

/** What a flattened event needs to run one field test. */
export interface FieldTest {
  slot: number;
  absent: boolean;
  test: (value: unknown) => boolean;
}

/**
 * Which array elements a value sits in: pairs of (array id, element index), or null when
 * the value is in no array that matters.
 */
export type Membership = readonly number[] | null;

interface NameNode {
  children: Map<string, NameNode>;
  slot: number;
}

function newNode(): NameNode {
  return { children: new Map(), slot: -1 };
}

/**
 * The names a set of patterns constrain, as a trie over "."-separated segments. Walking an
 * event against it skips every subtree no pattern looks at and needs no string building.
 */
export class NameRegistry {
  private readonly root = newNode();
  private readonly slots = new Map<string, number>();

  /** The slot of `name`, assigning the next one when it is new. */
  slotOf(name: string): number {
    const known = this.slots.get(name);
    if (known !== undefined) return known;
    let node = this.root;
    for (const segment of name.split(".")) {
      let next = node.children.get(segment);
      if (!next) {
        next = newNode();
        node.children.set(segment, next);
      }
      node = next;
    }
    node.slot = this.slots.size;
    this.slots.set(name, node.slot);
    return node.slot;
  }

  get size(): number {
    return this.slots.size;
  }

  /** @internal */
  get top(): NameNode {
    return this.root;
  }
}

/**
 * Reusable per-registry storage for one event's leaf values by slot. Matching is
 * synchronous, so one buffer per registry serves every event without allocating.
 */
export class FlatEvent {
  private stamp = 0;
  private nextArrayId = 0;
  private readonly stamps: Uint32Array;
  private readonly counts: Int32Array;
  private readonly trackedStamps: Uint32Array;
  /** Per test id: stamp * 4 + outcome (1 true, 2 false); one read tells both. */
  private readonly results: Uint32Array;
  private readonly testSlots: Int32Array;
  private readonly tests: readonly FieldTest[];
  readonly values: unknown[][];
  readonly memberships: Membership[][];

  /** `tests` are the distinct field tests, by id, whose outcomes are cached per event. */
  constructor(
    private readonly registry: NameRegistry,
    tests: readonly FieldTest[],
  ) {
    const n = registry.size;
    this.stamps = new Uint32Array(n);
    this.counts = new Int32Array(n);
    this.trackedStamps = new Uint32Array(n);
    this.results = new Uint32Array(tests.length);
    this.testSlots = Int32Array.from(tests, (t) => t.slot);
    this.tests = tests;
    this.values = Array.from({ length: n }, () => []);
    this.memberships = Array.from({ length: n }, () => []);
  }

  /** Number of values the current event has under `slot`. */
  count(slot: number): number {
    return this.stamps[slot] === this.stamp ? this.counts[slot]! : 0;
  }

  /**
   * Whether some value under `slot` sits in an array element that matters for array
   * consistency; when not, a field's outcome does not depend on the other fields.
   */
  tracked(slot: number): boolean {
    return this.trackedStamps[slot] === this.stamp;
  }

  /** Records that test `id` holds for some value of this event. */
  remember(id: number, outcome: boolean): void {
    this.results[id] = this.stamp * 4 + (outcome ? 1 : 2);
  }

  /**
   * Whether some value of the test's field passes test `id` (or, for `exists: false`,
   * the field is absent), computed once per event. Only valid for untracked slots.
   */
  outcome(id: number): boolean {
    const cached = this.results[id]!;
    if (cached >>> 2 === this.stamp) return (cached & 3) === 1;
    const test = this.tests[id]!;
    const slot = this.testSlots[id]!;
    const count = this.count(slot);
    let outcome = count === 0 && test.absent;
    if (count > 0) {
      const values = this.values[slot]!;
      for (let i = 0; i < count && !outcome; i++) outcome = test.test(values[i]);
    }
    this.results[id] = this.stamp * 4 + (outcome ? 1 : 2);
    return outcome;
  }

  /** Replaces the buffer's content with the leaves of `event`. */
  load(event: unknown): void {
    // Stamps live in the upper 30 bits of `results`, so they wrap below 2^30.
    this.stamp = (this.stamp + 1) & 0x3fffffff;
    if (this.stamp === 0) {
      this.stamps.fill(0);
      this.trackedStamps.fill(0);
      this.results.fill(0);
      this.stamp = 1;
    }
    this.nextArrayId = 0;
    if (typeof event === "object" && event !== null && !Array.isArray(event)) {
      this.walkObject(event as Record<string, unknown>, this.registry.top, null);
    }
  }

  private add(slot: number, value: unknown, membership: Membership): void {
    if (this.stamps[slot] !== this.stamp) {
      this.stamps[slot] = this.stamp;
      this.counts[slot] = 0;
    }
    if (membership !== null) this.trackedStamps[slot] = this.stamp;
    const i = this.counts[slot]!++;
    this.values[slot]![i] = value;
    this.memberships[slot]![i] = membership;
  }

  private walkObject(obj: Record<string, unknown>, node: NameNode, membership: Membership): void {
    const children = node.children;
    // Event JSON has no inherited enumerable keys, so for-in needs no own-property check.
    for (const key in obj) {
      let child = children.get(key);
      if (child === undefined) {
        // A key with dots names the same field as the nested objects it spells out.
        if (key.indexOf(".") < 0) continue;
        child = node;
        for (const segment of key.split(".")) {
          child = child.children.get(segment);
          if (!child) break;
        }
        if (!child) continue;
      }
      this.walk(obj[key], child, membership);
    }
  }

  private walk(value: unknown, node: NameNode, membership: Membership): void {
    if (value === undefined) return;
    if (typeof value !== "object" || value === null) {
      if (node.slot >= 0) this.add(node.slot, value, membership);
      return;
    }
    if (Array.isArray(value)) {
      const id = this.nextArrayId++;
      // Elements of an array under a name with no sub-fields can only meet values of that
      // same name, which one branch never uses twice, so they need no membership of their own.
      const tracked = node.children.size > 0;
      for (let i = 0; i < value.length; i++) {
        const element = value[i];
        if (element === undefined) continue;
        this.walk(element, node, tracked ? extend(membership, id, i) : membership);
      }
      return;
    }
    if (node.children.size > 0) this.walkObject(value as Record<string, unknown>, node, membership);
  }
}

function extend(membership: Membership, id: number, index: number): Membership {
  if (membership === null) return [id, index];
  return [...membership, id, index];
}

/**
 * Joins two memberships, or returns undefined when they place values in different
 * elements of the same array (event-ruler's array consistency).
 *
 * @example
 * mergeMemberships([0, 1], [0, 2]); // undefined: elements 1 and 2 of array 0
 */
export function mergeMemberships(a: Membership, b: Membership): Membership | undefined {
  if (a === null) return b;
  if (b === null || a === b) return a;
  let extra: number[] | undefined;
  for (let j = 0; j < b.length; j += 2) {
    let found = false;
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] === b[j]) {
        if (a[i + 1] !== b[j + 1]) return undefined;
        found = true;
        break;
      }
    }
    if (!found) (extra ??= []).push(b[j]!, b[j + 1]!);
  }
  return extra ? [...a, ...extra] : a;
}
