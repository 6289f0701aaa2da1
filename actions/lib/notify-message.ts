import type { MessageAttributeValue } from "@aws-sdk/client-sns";

/** SNS Publish limits (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
export const SNS_LIMITS = {
  /** Message plus message attributes, in UTF-8 bytes. */
  publishBytes: 262_144,
  /** SNS enforces `length > 100`; its docs' "less than 100" is known to be off by one. */
  subjectChars: 100,
} as const;

const ELLIPSIS = "...";

// Characters NFKD leaves alone but that have an obvious ASCII spelling.
const ASCII_SPELLING: Record<string, string> = {
  "\u2018": "'", "\u2019": "'", "\u201A": "'", "\u201B": "'", "\u2032": "'",
  "\u201C": '"', "\u201D": '"', "\u201E": '"', "\u201F": '"', "\u2033": '"',
  "\u00AB": '"', "\u00BB": '"', "\u2039": "'", "\u203A": "'",
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
  "\u2022": "*", "\u00B7": "*", "\u00D7": "x", "\u00F7": "/",
  "\u00DF": "ss", "\u00E6": "ae", "\u00C6": "AE", "\u0153": "oe", "\u0152": "OE",
  "\u00F8": "o", "\u00D8": "O", "\u0142": "l", "\u0141": "L", "\u0111": "d", "\u0110": "D",
  "\u00F0": "d", "\u00D0": "D", "\u00FE": "th", "\u00DE": "Th", "\u0131": "i",
  "\u20AC": "EUR", "\u00A3": "GBP", "\u00A5": "JPY", "\u00A9": "(c)", "\u00AE": "(R)", "\u2122": "TM",
  "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=",
};

function asciiFor(ch: string): string {
  if (/^[\x20-\x7e]$/.test(ch)) return ch;
  // Line breaks, tabs, other controls and Unicode spaces: SNS rejects controls, a space keeps words apart.
  if (/^[\p{Cc}\p{Zs}\p{Zl}\p{Zp}]$/u.test(ch)) return " ";
  // Combining marks (the accents NFKD split off) and invisible format characters vanish.
  if (/^[\p{M}\p{Cf}]$/u.test(ch)) return "";
  return ASCII_SPELLING[ch] ?? "?";
}

/**
 * Makes a rendered subject acceptable to SNS: printable ASCII only (accents dropped, common
 * typography spelled in ASCII, anything else `?` per code point), one line, no leading or
 * doubled spaces, at most 100 characters (cut ones end in `...`). `undefined` when nothing is left,
 * since SNS rejects an empty subject.
 *
 * @example
 * sanitizeSubject("Café “prod”\nCPU > 90 % 🔥"); // 'Cafe "prod" CPU > 90 % ?'
 * sanitizeSubject("x".repeat(150)).length;        // 100
 */
export function sanitizeSubject(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  let ascii = "";
  // for..of walks code points, so a surrogate pair becomes one replacement, never half of one.
  for (const ch of subject.normalize("NFKD")) ascii += asciiFor(ch);
  ascii = ascii.replace(/ {2,}/g, " ").trim();
  if (ascii.length > SNS_LIMITS.subjectChars) {
    ascii = ascii.slice(0, SNS_LIMITS.subjectChars - ELLIPSIS.length).trimEnd() + ELLIPSIS;
  }
  return ascii === "" ? undefined : ascii;
}

/**
 * The Publish body for any rendered value: strings as they are, everything else as JSON
 * indented by two spaces, so a step output reads well in an e-mail.
 *
 * @example
 * renderMessage("disk full");        // "disk full"
 * renderMessage({ group: "web" });   // '{\n  "group": "web"\n}'
 */
export function renderMessage(message: unknown): string {
  if (typeof message === "string") return message;
  return JSON.stringify(message, null, 2) ?? "null";
}

/** A user-facing attribute value: `string` → String, `number` → Number, `string[]` → String.Array. */
export type AttributeValue = string | number | string[];

/**
 * Maps `attributes` to SNS MessageAttributes. Empty strings are left out: SNS rejects them,
 * and a notification should not fail because an optional template rendered nothing.
 *
 * @example
 * toMessageAttributes({ severity: "high", cpu: 93.5, hosts: ["a", "b"] });
 * // { severity: { DataType: "String", StringValue: "high" },
 * //   cpu: { DataType: "Number", StringValue: "93.5" },
 * //   hosts: { DataType: "String.Array", StringValue: '["a","b"]' } }
 */
export function toMessageAttributes(attributes: Record<string, AttributeValue> | undefined): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (typeof value === "number") out[name] = { DataType: "Number", StringValue: String(value) };
    else if (Array.isArray(value)) out[name] = { DataType: "String.Array", StringValue: JSON.stringify(value) };
    else if (value !== "") out[name] = { DataType: "String", StringValue: value };
  }
  return out;
}

/**
 * Bytes the attributes take from the Publish limit: name, data type and value of each, as SNS counts them.
 *
 * @example
 * attributeBytes({ severity: { DataType: "String", StringValue: "high" } }); // 8 + 6 + 4 = 18
 */
export function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  let bytes = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType ?? "") + Buffer.byteLength(attribute.StringValue ?? "");
  }
  return bytes;
}

/**
 * The marker that ends a message cut to fit; `omitted` counts UTF-8 bytes.
 *
 * @example
 * truncationMarker(38_512); // "\n…[truncated by caretaker: 38512 bytes omitted]"
 */
export function truncationMarker(omitted: number): string {
  return `\n…[truncated by caretaker: ${omitted} bytes omitted]`;
}

/** A message fitted to a byte budget. */
export interface FittedMessage {
  message: string;
  /** UTF-8 bytes of the original left out; 0 when it fitted. */
  omittedBytes: number;
}

/**
 * Cuts `message` to at most `budget` UTF-8 bytes, marker included, at a character boundary,
 * and says how much was left out. A message that fits is returned as it is.
 *
 * @example
 * fitMessage("é".repeat(200_000), 262_144).message.endsWith("bytes omitted]"); // true
 */
export function fitMessage(message: string, budget: number): FittedMessage {
  const bytes = Buffer.from(message, "utf8");
  if (bytes.byteLength <= budget) return { message, omittedBytes: 0 };
  // The marker's length depends on the count it shows; size it for the largest count possible.
  const room = budget - Buffer.byteLength(truncationMarker(bytes.byteLength));
  if (room < 0) throw new RangeError(`a byte budget of ${budget} leaves no room for the message`);
  let cut = room;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  const omittedBytes = bytes.byteLength - cut;
  return { message: bytes.subarray(0, cut).toString("utf8") + truncationMarker(omittedBytes), omittedBytes };
}
