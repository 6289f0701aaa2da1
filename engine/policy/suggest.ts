/** Edit distance counting a swap of two neighbours as one edit ("wiht" is one typo from "with"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** How far a word may be from the one it meant: short words only by case, longer ones by a few typos. */
function tolerance(word: string): number {
  if (word.length <= 2) return 0;
  if (word.length <= 4) return 1;
  return Math.max(2, Math.floor(word.length / 3));
}

/**
 * The closest known word, when it is close enough to be a likely typo (or the start of it,
 * as `substr` for `substring`).
 *
 * @example
 * closest("trigers", ["trigger", "actions"]) // "trigger"
 * closest("x", ["a", "b"])                    // undefined
 */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    if (typeof candidate !== "string") continue;
    const other = candidate.toLowerCase();
    const truncated = lower.length >= 4 && other.startsWith(lower) ? 1 : Infinity;
    const d = Math.min(distance(lower, other), truncated);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= tolerance(word) ? best : undefined;
}
