/**
 * IP addresses the way EventBridge (event-ruler) reads them: an address is compared as a
 * fixed-width upper-case hex string (8 digits for IPv4, 32 for IPv6), so ranges are plain
 * string comparisons and an IPv4 value never falls in an IPv6 range.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
// event-ruler only treats a string as IPv6 when it is hex digits and colons with at least one colon.
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX = "0123456789ABCDEF";

function hexOf(bytes: readonly number[]): string {
  let out = "";
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

function ipv4Bytes(text: string): number[] | undefined {
  const bytes: number[] = [];
  for (const part of text.split(".")) {
    // Leading zeros are ambiguous (octal in some parsers), so they are not addresses.
    if (part.length > 1 && part[0] === "0") return undefined;
    if (part.length > 3) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

function groupsOf(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  for (const g of text.split(":")) {
    if (g.length === 0 || g.length > 4) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

function ipv6Bytes(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 255);
  // Java's InetAddress turns IPv4-mapped IPv6 addresses into IPv4 ones; event-ruler inherits that.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return bytes.slice(12);
  }
  return bytes;
}

function ipBytes(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return ipv4Bytes(text);
  if (IPV6_SHAPE.test(text)) return ipv6Bytes(text);
  return undefined;
}

/**
 * The comparable form of an IP address literal, or undefined when `text` is not one.
 *
 * @example
 * ipKey("10.0.0.1"); // "0A000001"
 * ipKey("2001:db8::1"); // "20010DB8000000000000000000000001"
 */
export function ipKey(text: string): string | undefined {
  const bytes = ipBytes(text);
  return bytes ? hexOf(bytes) : undefined;
}

/** An inclusive range of comparable IP keys of one width. */
export interface IpRange {
  low: string;
  high: string;
}

const TRAILING_ONES = [0x00, 0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f];

/**
 * Parses a `cidr` operand. Like event-ruler, the range starts at the address as written
 * (host bits are not cleared) and a mask must be shorter than the address (< 32 / < 128).
 *
 * @example
 * parseCidr("10.0.0.0/24"); // { low: "0A000000", high: "0A0000FF" }
 * parseCidr("10.0.0.0"); // "a CIDR block needs exactly one '/', e.g. \"10.0.0.0/24\""
 */
export function parseCidr(text: string): IpRange | string {
  // Java's String.split drops trailing empty pieces; event-ruler splits that way.
  const parts = text.split("/");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) return `a CIDR block needs exactly one '/', e.g. "10.0.0.0/24"`;
  const [address, maskText] = parts as [string, string];
  if (!/^[+-]?[0-9]+$/.test(maskText) || Math.abs(Number(maskText)) > 2147483647) {
    return `the mask after '/' must be a whole number, e.g. "10.0.0.0/24"`;
  }
  const mask = Number(maskText);
  if (mask < 0) return "the mask after '/' must not be negative";
  const bytes = ipBytes(address);
  if (!bytes) return `"${address}" is not an IPv4 or IPv6 address`;
  const width = bytes.length * 8;
  if (mask >= width) {
    return bytes.length === 4
      ? "an IPv4 mask must be below 32; to match one address list it as a plain value instead"
      : "an IPv6 mask must be below 128; to match one address list it as a plain value instead";
  }
  let hostBits = width - mask;
  const top = bytes.slice();
  for (let i = top.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    top[i] = hostBits >= 8 ? 255 : top[i]! | TRAILING_ONES[hostBits]!;
  }
  return { low: hexOf(bytes), high: hexOf(top) };
}
