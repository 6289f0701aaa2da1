import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal documents hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A policy's version: the first 12 hex digits of the SHA-256 of its canonical JSON,
 * without `description` and `tests` (editing prose or tests does not change what runs).
 *
 * @example
 * policyVersion({ apiVersion: "caretaker/v1", name: "x", ... }) // "3f2a9c1e0b7d"
 */
export function policyVersion(doc: Record<string, unknown>): string {
  const { description: _description, tests: _tests, ...rest } = doc;
  return createHash("sha256").update(canonicalJson(rest)).digest("hex").slice(0, 12);
}
