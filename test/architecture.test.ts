import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The house rules of STYLE.md on imports, checked on the source: no file-level cycles, the
// engine's core never imports a concrete action, nothing outside the CLI imports the CLI.
const ROOTS = ["engine", "actions", "deploy", "demo", "emulator", "schema"];
const ENTRY_POINTS = new Set(["engine/index.ts", "engine/cli/main.ts", "engine/lambda-entry.ts"]);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

const graph = new Map<string, string[]>();
for (const file of ROOTS.flatMap((root) => sourceFiles(root))) {
  const text = readFileSync(file, "utf8");
  const imports = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+["'](\.[^"']+)["']/gm)];
  graph.set(file, imports.map((m) => relative(".", resolve(dirname(file), m[1]!))));
}

describe("architecture", () => {
  it("has no file-level import cycles", () => {
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === "open") cycles.push([...stack.slice(stack.indexOf(dep)), dep].join(" -> "));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it("keeps concrete actions out of the engine's core and the CLI out of everything else", () => {
    const violations: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        if (file.startsWith("engine/") && !ENTRY_POINTS.has(file) && dep.startsWith("actions/")) violations.push(`${file} -> ${dep}`);
        if (dep.startsWith("engine/cli/") && !file.startsWith("engine/cli/")) violations.push(`${file} -> ${dep}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
