import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../actions/index.ts";
import { loadPolicyText } from "../../engine/policy/load.ts";

const POLICIES = fileURLToPath(new URL("../../policies/", import.meta.url));
const sources = readdirSync(POLICIES).filter((f) => f.endsWith(".yml")).map((f) => readFileSync(join(POLICIES, f), "utf8"));

/** Edits a user could make by accident: drop, duplicate or swap a line, insert or delete characters. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("drop-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap-lines" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom("\t", ":", "-", "[", "{", '"', "'", "{%", "%}", "$", " ", "\n", "#", "&a", "*a", "!!str ", "? ", ",", "]", "}") }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
);

function mutate(text: string, m: typeof mutation extends fc.Arbitrary<infer T> ? T : never): string {
  const lines = text.split("\n");
  const line = m.at % lines.length;
  switch (m.kind) {
    case "drop-line":
      return lines.filter((_, i) => i !== line).join("\n");
    case "duplicate-line":
      return [...lines.slice(0, line + 1), lines[line]!, ...lines.slice(line + 1)].join("\n");
    case "swap-lines": {
      const next = (line + 1) % lines.length;
      [lines[line], lines[next]] = [lines[next]!, lines[line]!];
      return lines.join("\n");
    }
    case "insert": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "delete": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
  }
}

describe("loadPolicyText on damaged policies", () => {
  it("never throws, and places every problem inside the file with a one-line message", () => {
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(mutation, { minLength: 1, maxLength: 3 }), (source, mutations) => {
        const text = mutations.reduce(mutate, source);
        const lines = text.split("\n");
        const { policy, problems } = loadPolicyText("p.yml", text, registry);
        expect(policy === undefined).toBe(problems.length > 0);
        for (const p of problems) {
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.line).toBeLessThanOrEqual(lines.length + 1);
          expect(p.column).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeLessThanOrEqual((lines[p.line - 1]?.length ?? 0) + 1);
          expect(p.id).toMatch(/^[a-z][a-z0-9-]*$/);
          expect(p.message).not.toMatch(/\n/);
        }
      }),
      // A fixed seed keeps CI reproducible; FUZZ_RUNS=20000 explores further locally.
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: process.env.FUZZ_RUNS ? undefined : 20261203 },
    );
  }, process.env.FUZZ_RUNS ? 3_600_000 : 60_000);
});
