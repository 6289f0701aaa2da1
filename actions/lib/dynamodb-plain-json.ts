import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { CaretakerError } from "../../engine/errors.ts";

/** A value as JSON can hold it. */
export type PlainJson = string | number | boolean | null | PlainJson[] | { [name: string]: PlainJson };

/** An item converted to plain JSON. */
export type PlainItem = { [name: string]: PlainJson };

// Every decimal of at most 15 significant digits survives a trip through a double, and
// DynamoDB's range (1e-130 .. 1e126) lies wholly inside the doubles' normal range.
const SHORT_INTEGER = /^-?\d{1,15}$/;
const DOUBLE_SAFE_DIGITS = 15;

/**
 * The value of a decimal as sign, significant digits and exponent, so "1.50", "15E-1" and
 * "1.5" compare equal.
 */
function canonicalDecimal(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  let digits = whole + fraction;
  let scale = Number(exponent) - fraction.length;
  const leading = /^0*/.exec(digits)![0].length;
  digits = digits.slice(leading);
  if (digits === "") return "0";
  const trailing = /0*$/.exec(digits)![0].length;
  digits = digits.slice(0, digits.length - trailing);
  scale += trailing;
  return `${sign === "-" ? "-" : ""}${digits}e${scale}`;
}

function significantDigits(canonical: string): number {
  return canonical.replace(/^-/, "").replace(/e.*$/, "").length;
}

/**
 * A DynamoDB number (decimal text, up to 38 significant digits) as JSON. It becomes a JS
 * number when a double holds it without losing a digit; otherwise (integers beyond 2^53,
 * decimals with more than ~15 significant digits) it stays the exact decimal string, because
 * an archive must never silently round what the table stored.
 *
 * @example
 * plainNumber("42");                   // 42
 * plainNumber("1.50");                 // 1.5
 * plainNumber("9007199254740993");     // "9007199254740993"
 * plainNumber("0.1234567890123456789"); // "0.1234567890123456789"
 */
export function plainNumber(text: string): number | string {
  const value = Number(text);
  if (SHORT_INTEGER.test(text)) return value;
  const canonical = canonicalDecimal(text);
  if (significantDigits(canonical) <= DOUBLE_SAFE_DIGITS) return value;
  return canonical === canonicalDecimal(String(value)) ? value : text;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * One DynamoDB attribute value as plain JSON: numbers per {@link plainNumber}, sets as
 * arrays (DynamoDB keeps no order, neither does the array), binary as base64, NULL as null.
 *
 * @example
 * plainValue({ NS: ["1", "2.5"] });             // [1, 2.5]
 * plainValue({ B: new Uint8Array([1, 2, 3]) }); // "AQID"
 */
export function plainValue(value: AttributeValue): PlainJson {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return plainNumber(value.N);
  if (value.M !== undefined) return plainItem(value.M);
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(plainNumber);
  if (value.B !== undefined) return base64(value.B);
  if (value.BS !== undefined) return value.BS.map(base64);
  throw new CaretakerError(`DynamoDB returned an attribute of an unknown type (${Object.keys(value).join(", ")}); upgrade @aws-sdk/client-dynamodb`);
}

/**
 * A DynamoDB item (or map) as a plain JSON object.
 *
 * @example
 * plainItem({ id: { S: "a" }, n: { N: "1" }, tags: { SS: ["x"] } }); // { id: "a", n: 1, tags: ["x"] }
 */
export function plainItem(map: Record<string, AttributeValue>): PlainItem {
  const out: PlainItem = {};
  for (const name of Object.keys(map)) {
    const value = plainValue(map[name]!);
    // An attribute may be called __proto__; plain assignment would set the prototype instead.
    if (name === "__proto__") Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    else out[name] = value;
  }
  return out;
}
