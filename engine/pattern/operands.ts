/**
 * The value-level rules EventBridge applies to operands, shared by validation and matching
 * so both agree on what a number, a wildcard and a case-insensitive string are.
 */

/** EventBridge compares numbers only within ±5e9 and to six decimal places. */
export const NUMERIC_LIMIT = 5e9;
const MAX_DECIMALS = 6;

function decimalPlaces(n: number): number {
  const text = String(Math.abs(n));
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}

/**
 * Whether EventBridge can compare `n` numerically: finite, within ±5e9, at most six decimals.
 * Numbers outside this set only ever match an identical exact value.
 *
 * @example
 * isComparableNumber(301.8); // true
 * isComparableNumber(0.0000001); // false
 */
export function isComparableNumber(n: number): boolean {
  if (!Number.isFinite(n) || n > NUMERIC_LIMIT || n < -NUMERIC_LIMIT) return false;
  if (Number.isInteger(n)) return true;
  // Counting decimals needs the number's text; remember answers since events repeat values.
  let known = decimalsOk.get(n);
  if (known === undefined) {
    if (decimalsOk.size >= 4096) decimalsOk.clear();
    known = decimalPlaces(n) <= MAX_DECIMALS;
    decimalsOk.set(n, known);
  }
  return known;
}

const decimalsOk = new Map<number, boolean>();

/** A wildcard split at its unescaped `*`s: the value must be pieces[0] * pieces[1] * ... */
export type WildcardPieces = readonly string[];

/**
 * Parses a `wildcard` operand: `*` matches any run of characters, `\*` a literal star and
 * `\\` a literal backslash. Returns the literal pieces, or why EventBridge rejects it.
 *
 * @example
 * parseWildcard("dir/*.png"); // ["dir/", ".png"]
 * parseWildcard("a**b"); // "consecutive '*' characters are not allowed (at position 1); use a single '*'"
 */
export function parseWildcard(text: string): WildcardPieces | string {
  const pieces: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "*") {
      if (text[i + 1] === "*") return `consecutive '*' characters are not allowed (at position ${i}); use a single '*'`;
      pieces.push(current);
      current = "";
    } else if (c === "\\") {
      const next = text[i + 1];
      if (next !== "*" && next !== "\\") {
        return `a backslash may only escape '*' or '\\' (at position ${i}); write '\\\\' for a literal backslash`;
      }
      current += next;
      i++;
    } else {
      current += c;
    }
  }
  pieces.push(current);
  return pieces;
}

/**
 * Whether `value` matches the wildcard `pieces`. Greedy leftmost placement of the middle
 * pieces is enough because `*` matches anything, so this stays linear.
 *
 * @example
 * matchesWildcard(["dir/", ".png"], "dir/a/b.png"); // true
 */
export function matchesWildcard(pieces: WildcardPieces, value: string): boolean {
  const first = pieces[0]!;
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    const at = value.indexOf(piece, from);
    if (at < 0 || at + piece.length > end) return false;
    from = at + piece.length;
  }
  return true;
}

/**
 * A case-insensitive operand: for each character the spellings EventBridge accepts in its
 * place (its lower- and upper-case forms, which may be longer than one character, e.g. ß/SS).
 */
export type CaseFolded = {
  readonly text: string;
  readonly ascii: boolean;
  readonly choices: readonly (readonly string[])[];
};

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Prepares `text` for `equals-ignore-case` (and its prefix/suffix forms).
 *
 * @example
 * matchesFolded(foldCase("EventBridge"), "eventbridge", "equals"); // true
 */
export function foldCase(text: string): CaseFolded {
  if (ASCII.test(text)) return { text: text.toLowerCase(), ascii: true, choices: [] };
  const choices: string[][] = [];
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    choices.push(lower === upper ? [lower] : [lower, upper]);
  }
  return { text, ascii: false, choices };
}

function matchForward(choices: CaseFolded["choices"], value: string, ci: number, at: number, whole: boolean): boolean {
  if (ci === choices.length) return !whole || at === value.length;
  for (const option of choices[ci]!) {
    if (value.startsWith(option, at) && matchForward(choices, value, ci + 1, at + option.length, whole)) return true;
  }
  return false;
}

function matchBackward(choices: CaseFolded["choices"], value: string, ci: number, end: number): boolean {
  if (ci < 0) return true;
  for (const option of choices[ci]!) {
    const start = end - option.length;
    if (start >= 0 && value.startsWith(option, start) && matchBackward(choices, value, ci - 1, start)) return true;
  }
  return false;
}

function asciiLower(value: string): string | undefined {
  return ASCII.test(value) ? value.toLowerCase() : undefined;
}

/**
 * Whether `value` equals / starts with / ends with the folded operand, ignoring case.
 *
 * @example
 * matchesFolded(foldCase(".png"), "photo.PNG", "suffix"); // true
 */
export function matchesFolded(folded: CaseFolded, value: string, how: "equals" | "prefix" | "suffix"): boolean {
  if (folded.ascii) {
    // A non-ASCII value takes the per-character route so only exact case partners count.
    const lowered = asciiLower(value);
    if (lowered !== undefined) {
      if (how === "equals") return lowered === folded.text;
      if (how === "prefix") return lowered.startsWith(folded.text);
      return lowered.endsWith(folded.text);
    }
    const choices = [...folded.text].map((c) => (c.toLowerCase() === c.toUpperCase() ? [c] : [c, c.toUpperCase()]));
    return matchesChoices(choices, value, how);
  }
  return matchesChoices(folded.choices, value, how);
}

function matchesChoices(choices: CaseFolded["choices"], value: string, how: "equals" | "prefix" | "suffix"): boolean {
  if (how === "suffix") return matchBackward(choices, value, choices.length - 1, value.length);
  return matchForward(choices, value, 0, 0, how === "equals");
}
