import { CaretakerError } from "../errors.ts";
import type { CompiledField, CompiledPattern, EventPattern } from "./compile.ts";
import { CompiledSet, matchesLoaded } from "./match.ts";

/** Finds the ids of every pattern an event matches. */
export interface Router {
  match(event: unknown): string[];
}

/** Candidate lists keyed by the exact values of one field. */
interface FieldIndex {
  slot: number;
  strings: Map<string, number[]>;
  numbers: Map<number, number[]>;
}

function bucketKey(name: string, value: string | number): string {
  return `${name}\u0000${typeof value}\u0000${value}`;
}

function indexable(pattern: CompiledPattern): CompiledField[] {
  // A field outside every $or with only plain values is required by every branch, so an
  // event lacking all of those values cannot match and need not be tried.
  return pattern.branches[0]!.filter((f) => f.common && f.exact !== undefined);
}

/**
 * Per pattern, the indexable field whose values are shared with the fewest other patterns:
 * `source` alone would put every aws.ec2 policy in one bucket, `detail-type` or a detail
 * field usually splits them further.
 */
function chooseKeys(patterns: CompiledPattern[]): (CompiledField | undefined)[] {
  const sharing = new Map<string, number>();
  const candidates = patterns.map(indexable);
  for (const fields of candidates) {
    for (const f of fields) {
      for (const v of [...f.exact!.strings, ...f.exact!.numbers]) {
        const key = bucketKey(f.name, v);
        sharing.set(key, (sharing.get(key) ?? 0) + 1);
      }
    }
  }
  return candidates.map((fields) => {
    let best: CompiledField | undefined;
    let bestCost = Infinity;
    for (const f of fields) {
      let cost = 0;
      for (const v of [...f.exact!.strings, ...f.exact!.numbers]) cost += sharing.get(bucketKey(f.name, v))!;
      if (cost < bestCost) {
        best = f;
        bestCost = cost;
      }
    }
    return best;
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
  const keys = chooseKeys(compiled);
  const indexes = new Map<number, FieldIndex>();
  const fallback: number[] = [];
  keys.forEach((field, id) => {
    if (!field) {
      fallback.push(id);
      return;
    }
    let index = indexes.get(field.slot);
    if (!index) {
      index = { slot: field.slot, strings: new Map(), numbers: new Map() };
      indexes.set(field.slot, index);
    }
    for (const s of field.exact!.strings) push(index.strings, s, id);
    for (const n of field.exact!.numbers) push(index.numbers, n, id);
  });
  const fieldIndexes = [...indexes.values()];

  const seen = new Uint32Array(compiled.length);
  let round = 0;
  const hits: number[] = [];

  return {
    match(event: unknown): string[] {
      const flat = set.load(event);
      round = (round + 1) >>> 0;
      if (round === 0) {
        seen.fill(0);
        round = 1;
      }
      hits.length = 0;
      for (const index of fieldIndexes) {
        const count = flat.count(index.slot);
        if (count === 0) continue;
        const values = flat.values[index.slot]!;
        for (let i = 0; i < count; i++) {
          const v = values[i];
          const bucket =
            typeof v === "string" ? index.strings.get(v) : typeof v === "number" ? index.numbers.get(v) : undefined;
          if (!bucket) continue;
          for (const id of bucket) {
            if (seen[id] === round) continue;
            seen[id] = round;
            if (matchesLoaded(compiled[id]!, flat)) hits.push(id);
          }
        }
      }
      for (const id of fallback) {
        if (matchesLoaded(compiled[id]!, flat)) hits.push(id);
      }
      if (hits.length > 1) hits.sort((a, b) => a - b);
      const out = new Array<string>(hits.length);
      for (let i = 0; i < hits.length; i++) out[i] = ids[hits[i]!]!;
      return out;
    },
  };
}
