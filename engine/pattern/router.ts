import { CaretakerError } from "../errors.ts";
import type { CompiledField, CompiledPattern, EventPattern } from "./compile.ts";
import { CompiledSet } from "./match.ts";
import type { FlatEvent } from "./flatten.ts";

/** Finds the ids of every pattern an event matches. */
export interface Router {
  match(event: unknown): string[];
}

/** Candidate lists keyed by the exact values and prefixes of one field. */
interface FieldIndex {
  slot: number;
  strings: Map<string, number[]>;
  numbers: Map<number, number[]>;
  prefixes: Map<string, number[]>;
  /** The distinct prefix lengths, so an event value is cut only at lengths that can hit. */
  prefixLengths: number[];
  /** With few prefixes, testing each with startsWith beats hashing a slice per length. */
  prefixList: [prefix: string, bucket: number[]][] | undefined;
}

const PREFIX_SCAN_MAX = 16;

/** A second key only pays when its buckets are small: every entry is touched per hit. */
const SECOND_KEY_MAX_SHARING = 16;

type Key = { kind: "string" | "number" | "prefix"; value: string | number };

function keysOf(field: CompiledField): Key[] {
  const k = field.keys!;
  return [
    ...k.strings.map((value): Key => ({ kind: "string", value })),
    ...k.numbers.map((value): Key => ({ kind: "number", value })),
    ...k.prefixes.map((value): Key => ({ kind: "prefix", value })),
  ];
}

function bucketKey(name: string, key: Key): string {
  return `${name}\u0000${key.kind}\u0000${key.value}`;
}

function indexable(pattern: CompiledPattern): CompiledField[] {
  // A field every branch requires (same name, same values) rules the whole pattern out
  // when the event holds none of its values or prefixes.
  return pattern.branches[0]!.filter(
    (f) => f.keys !== undefined && pattern.branches.every((b) => b.some((g) => g.key === f.key)),
  );
}

/**
 * Per pattern, the one or two indexable fields whose keys are shared with the fewest other
 * patterns: `source` alone would put every aws.ec2 policy in one bucket, `detail-type` or a
 * detail field usually splits them further. A pattern with two keys is tried only when the
 * event hits both, which keeps broad policies (say a source prefix plus one detail value)
 * from being tried for every event of their source.
 */
function chooseKeys(patterns: CompiledPattern[]): CompiledField[][] {
  const sharing = new Map<string, number>();
  const candidates = patterns.map(indexable);
  for (const fields of candidates) {
    for (const f of fields) {
      for (const key of keysOf(f)) {
        const k = bucketKey(f.name, key);
        sharing.set(k, (sharing.get(k) ?? 0) + 1);
      }
    }
  }
  return candidates.map((fields) => {
    const costed = fields.map((f) => {
      let cost = 0;
      for (const key of keysOf(f)) {
        // An empty or short prefix catches many values; weigh it as broader than an exact key.
        const breadth = key.kind === "prefix" ? 1 + 4 / (1 + String(key.value).length) : 1;
        cost += sharing.get(bucketKey(f.name, key))! * breadth;
      }
      return { f, cost };
    });
    costed.sort((a, b) => a.cost - b.cost);
    const chosen = costed.slice(0, 1);
    if (costed[1] && costed[1].cost <= SECOND_KEY_MAX_SHARING) chosen.push(costed[1]);
    return chosen.map((c) => c.f);
  });
}

function push<K>(map: Map<K, number[]>, key: K, entry: number, testId: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [entry, testId]);
  else if (list[list.length - 2] !== entry) list.push(entry, testId);
}

/**
 * Builds a router over named patterns. Each pattern is validated and compiled once; an
 * event is flattened once and only the patterns whose most selective exact-valued field
 * holds one of the event's values (plus patterns with no such field) are evaluated.
 * The result lists ids in the order of `patterns`, exactly as trying every pattern would.
 *
 * @example
 * const router = createRouter({
 *   "snap-on-stop": { source: ["aws.ec2"], detail: { state: ["stopped"] } },
 *   "cpu-alarm": { source: ["aws.cloudwatch"] },
 * });
 * router.match({ source: "aws.ec2", detail: { state: "stopped" } }); // ["snap-on-stop"]
 */
export function createRouter(patterns: Record<string, EventPattern | string>): Router {
  const ids = Object.keys(patterns);
  const set = new CompiledSet();
  const problems: string[] = [];
  for (const id of ids) {
    try {
      set.add(patterns[id]);
    } catch (e) {
      problems.push(`${id}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new CaretakerError(problems.join("\n"));

  const compiled = set.patterns;
  const indexes = new Map<number, FieldIndex>();
  const fallback: number[] = [];
  chooseKeys(compiled).forEach((fields, id) => {
    if (fields.length === 0) fallback.push(id);
    fields.forEach((field, k) => {
      let index = indexes.get(field.slot);
      if (!index) {
        index = { slot: field.slot, strings: new Map(), numbers: new Map(), prefixes: new Map(), prefixLengths: [], prefixList: undefined };
        indexes.set(field.slot, index);
      }
      // A bucket entry is the pattern id, which key this is and whether it has two, then
      // the key's test id: a hit proves that test true, so it is recorded without running it.
      const entry = (id << 2) | (k << 1) | (fields.length - 1);
      for (const s of field.keys!.strings) push(index.strings, s, entry, field.testId);
      for (const n of field.keys!.numbers) push(index.numbers, n, entry, field.testId);
      for (const p of field.keys!.prefixes) push(index.prefixes, p, entry, field.testId);
    });
  });
  const fieldIndexes = [...indexes.values()];
  for (const index of fieldIndexes) {
    index.prefixLengths = [...new Set([...index.prefixes.keys()].map((p) => p.length))].sort((a, b) => a - b);
    if (index.prefixes.size <= PREFIX_SCAN_MAX) index.prefixList = [...index.prefixes];
  }

  // Per pattern: the event round in the upper bits, the keys hit so far in the low three
  // (bit 2 = already tried). One array keeps a candidate's bookkeeping in one cache line.
  const state = new Uint32Array(compiled.length);
  const TRIED = 4;
  let round = 0;
  const hits: number[] = [];

  function tryBucket(bucket: number[] | undefined, flat: FlatEvent): void {
    if (!bucket) return;
    for (let i = 0; i < bucket.length; i += 2) {
      const entry = bucket[i]!;
      const id = entry >>> 2;
      const bit = 1 << ((entry >>> 1) & 1);
      let st = state[id]!;
      if (st >>> 3 !== round) st = round << 3;
      if (st & bit) continue;
      st |= bit;
      flat.remember(bucket[i + 1]!, true);
      if ((st & 3) === ((entry & 1) === 1 ? 3 : 1)) {
        st |= TRIED;
        if (set.matches(id, flat)) hits.push(id);
      }
      state[id] = st;
    }
  }

  return {
    match(event: unknown): string[] {
      const flat = set.load(event);
      round = (round + 1) & 0x1fffffff;
      if (round === 0) {
        state.fill(0);
        round = 1;
      }
      hits.length = 0;
      for (const index of fieldIndexes) {
        const count = flat.count(index.slot);
        if (count === 0) continue;
        const values = flat.values[index.slot]!;
        for (let i = 0; i < count; i++) {
          const v = values[i];
          if (typeof v === "string") {
            if (index.strings.size > 0) tryBucket(index.strings.get(v), flat);
            const list = index.prefixList;
            if (list !== undefined) {
              for (let p = 0; p < list.length; p++) if (v.startsWith(list[p]![0])) tryBucket(list[p]![1], flat);
            } else {
              for (const length of index.prefixLengths) {
                if (length > v.length) break;
                tryBucket(index.prefixes.get(v.slice(0, length)), flat);
              }
            }
          } else if (typeof v === "number") tryBucket(index.numbers.get(v), flat);
        }
      }
      for (const id of fallback) {
        if (set.matches(id, flat)) hits.push(id);
      }
      if (hits.length > 1) hits.sort((a, b) => a - b);
      const out = new Array<string>(hits.length);
      for (let i = 0; i < hits.length; i++) out[i] = ids[hits[i]!]!;
      return out;
    },
  };
}
