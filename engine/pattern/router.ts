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
}

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
  // A field outside every $or is required by every branch, so an event holding none of
  // its values (or prefixes) cannot match and need not be tried.
  return pattern.branches[0]!.filter((f) => f.common && f.keys !== undefined);
}

/**
 * Per pattern, the one or two indexable fields whose keys are shared with the fewest other
 * patterns: `source` alone would put every aws.ec2 policy in one bucket, `detail-type` or a
 * detail field usually splits them further. A pattern with two keys is tried only when the
 * event hits both, which keeps broad policies (say a source prefix plus one detail value)
 * from being tried for every event of their source.
 */
const SECOND_KEY_MAX_SHARING = 48;

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
    // A second key only pays when its buckets are small: every entry is touched per hit.
    const chosen = costed.slice(0, 1);
    if (costed[1] && costed[1].cost <= SECOND_KEY_MAX_SHARING) chosen.push(costed[1]);
    return chosen.map((c) => c.f);
  });
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== id) list.push(id);
  } else map.set(key, [id]);
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
  // Bucket entries are id * 2 + key number; `need` holds the key bits a pattern must collect.
  const need = new Uint8Array(compiled.length);
  chooseKeys(compiled).forEach((fields, id) => {
    if (fields.length === 0) fallback.push(id);
    fields.forEach((field, k) => {
      need[id]! |= 1 << k;
      let index = indexes.get(field.slot);
      if (!index) {
        index = { slot: field.slot, strings: new Map(), numbers: new Map(), prefixes: new Map(), prefixLengths: [] };
        indexes.set(field.slot, index);
      }
      const entry = id * 2 + k;
      for (const s of field.keys!.strings) push(index.strings, s, entry);
      for (const n of field.keys!.numbers) push(index.numbers, n, entry);
      for (const p of field.keys!.prefixes) push(index.prefixes, p, entry);
    });
  });
  const fieldIndexes = [...indexes.values()];
  for (const index of fieldIndexes) {
    index.prefixLengths = [...new Set([...index.prefixes.keys()].map((p) => p.length))].sort((a, b) => a - b);
  }

  const marks = new Uint32Array(compiled.length);
  const bits = new Uint8Array(compiled.length);
  const TRIED = 4;
  let round = 0;
  const hits: number[] = [];

  function tryBucket(bucket: number[] | undefined, flat: FlatEvent): void {
    if (!bucket) return;
    for (let i = 0; i < bucket.length; i++) {
      const entry = bucket[i]!;
      const id = entry >>> 1;
      const bit = 1 << (entry & 1);
      if (marks[id] !== round) {
        marks[id] = round;
        bits[id] = 0;
      }
      const have = bits[id]!;
      if (have & bit) continue;
      bits[id] = have | bit;
      if ((have | bit) === need[id]) {
        bits[id] = have | bit | TRIED;
        if (set.matches(id, flat)) hits.push(id);
      }
    }
  }

  return {
    match(event: unknown): string[] {
      const flat = set.load(event);
      round = (round + 1) >>> 0;
      if (round === 0) {
        marks.fill(0);
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
            tryBucket(index.strings.get(v), flat);
            for (const length of index.prefixLengths) {
              if (length > v.length) break;
              tryBucket(index.prefixes.get(v.slice(0, length)), flat);
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
