import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { parseExpression } from "../../engine/policy/expression-syntax.ts";
import { freeVariables, JSONATA_FUNCTIONS } from "../../engine/policy/expression-variables.ts";
import { closest } from "../../engine/policy/suggest.ts";

describe("freeVariables", () => {
  it.each([
    ["$instanceId", [["instanceId", 0, false]]],
    ['$count($steps.snap.snapshots) > 0 and $x = "a"', [["steps", 7, false], ["x", 38, false]]],
    ["$substr(detail.x, 0, 2)", [["substr", 0, true]]],
    ["($f := function($v) { $v + $w }; $f(1)) ~> $string", [["w", 27, false]]],
    ["detail.items@$i#$j.($i & $j & $a)", [["a", 30, false]]],
    ["$ & $$.x & $millis() & $now", [["now", 23, false]]],
    ["$map([1, 2], $string)", []],
  ] as const)("%s", (text, expected) => {
    const { ast } = parseExpression(text);
    expect(freeVariables(text, ast).map((r) => [r.name, r.offset, r.call])).toEqual(expected);
  });
});

describe("JSONATA_FUNCTIONS", () => {
  it("holds only functions JSONata binds", async () => {
    for (const name of JSONATA_FUNCTIONS) {
      expect(await jsonata(`$type($${name})`).evaluate({}), name).toBe("function");
    }
  });

  it("misses none of JSONata's documented functions (a missing one would be reported as unknown)", async () => {
    const documented = ["sum", "count", "max", "min", "average", "string", "substring", "substringBefore", "substringAfter", "lowercase", "uppercase", "length", "trim", "pad", "contains", "split", "join", "match", "replace", "eval", "base64encode", "base64decode", "encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl", "number", "abs", "floor", "ceil", "round", "power", "sqrt", "random", "formatNumber", "formatBase", "formatInteger", "parseInteger", "boolean", "not", "exists", "append", "sort", "reverse", "shuffle", "distinct", "zip", "keys", "lookup", "spread", "merge", "sift", "each", "error", "assert", "type", "map", "filter", "single", "reduce", "millis", "fromMillis", "toMillis", "clone"];
    expect(documented.filter((name) => !JSONATA_FUNCTIONS.has(name))).toEqual([]);
  });
});

describe("closest", () => {
  it.each([
    ["trigers", ["trigger", "actions"], "trigger"],
    ["wiht", ["type", "id", "if", "on-error", "with"], "with"],
    ["snapshot-volume", ["snapshot-volumes", "notify"], "snapshot-volumes"],
    ["substr", ["substring", "string"], "substring"],
    ["instanceID", ["instanceId"], "instanceId"],
    ["w", ["a", "b"], undefined],
    ["xyz", ["trigger"], undefined],
  ] as const)("%s", (word, known, expected) => {
    expect(closest(word, known)).toBe(expected);
  });
});
