import { checkExpression, templateParts } from "../expressions.ts";
import { DURATION_PATTERN } from "../duration.ts";
import type { DocPath, PolicyDoc, SourcePosition } from "./types.ts";
import type { RawProblem, YamlSource } from "./yaml-source.ts";

/** An expression found in the document: its text and where its first character stands in the value. */
interface FoundExpression {
  path: DocPath;
  text: string;
  /** Offset of the expression inside the YAML value's string. */
  offset: number;
  /** The step the expression belongs to, when inside `actions`. */
  step?: number;
}

function collectTemplates(value: unknown, path: DocPath, step: number, out: FoundExpression[]): void {
  if (typeof value === "string") {
    for (const part of templateParts(value)) out.push({ path, text: part.expression, offset: part.offset, step });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collectTemplates(item, [...path, i], step, out));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) collectTemplates(item, [...path, key], step, out);
  }
}

/** Every JSONata expression of a policy: filter, vars, step guards and `{% %}` templates. */
export function collectExpressions(doc: PolicyDoc): FoundExpression[] {
  const out: FoundExpression[] = [];
  if (typeof doc.filter === "string") out.push({ path: ["filter"], text: doc.filter, offset: 0 });
  for (const [name, text] of Object.entries(doc.vars ?? {})) {
    if (typeof text === "string") out.push({ path: ["vars", name], text, offset: 0 });
  }
  (doc.actions ?? []).forEach((step, i) => {
    if (!step || typeof step !== "object") return;
    if (typeof step.if === "string") out.push({ path: ["actions", i, "if"], text: step.if, offset: 0, step: i });
    collectTemplates(step.with, ["actions", i, "with"], i, out);
  });
  return out;
}

/**
 * Maps an offset inside a YAML string value to its line and column in the file, so a
 * JSONata error points where the expression stands, also inside quoted and block scalars.
 */
export function positionInValue(source: YamlSource, path: DocPath, value: string, offset: number): SourcePosition {
  const scalar = source.scalarAt(path);
  if (!scalar) return source.locate(path);
  const before = value.slice(0, offset);
  const lineIndex = before.split("\n").length - 1;
  const column = before.length - (before.lastIndexOf("\n") + 1);
  const lineText = value.split("\n")[lineIndex] ?? "";
  // Search for the line's text (or as much of it as stands unescaped) in the raw source.
  for (let take = lineText.length; take > 0; take = Math.floor(take / 2)) {
    const found = scalar.raw.indexOf(lineText.slice(0, take));
    if (found >= 0) return source.positionOf(scalar.offset + found + column);
  }
  return source.positionOf(scalar.offset);
}

function valueAt(doc: unknown, path: DocPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], doc);
}

const ENV_REF = /\$env\.([A-Za-z_][A-Za-z0-9_]*)/g;
const STEPS_REF = /\$steps\.([A-Za-z_][A-Za-z0-9_]*)/g;
const AGO_CALL = /\$ago\(\s*(["'])(.*?)\1\s*\)/g;

/** Syntax, `$env`, `$steps` and `$ago` checks for every expression, each at its own position. */
export function expressionProblems(doc: PolicyDoc, source: YamlSource): RawProblem[] {
  const problems: RawProblem[] = [];
  const declared = new Set(Array.isArray(doc.env) ? doc.env : []);
  const stepIds = (doc.actions ?? []).map((s) => (s && typeof s === "object" ? s.id : undefined));
  for (const found of collectExpressions(doc)) {
    const value = valueAt(doc, found.path) as string;
    const at = (index: number) => positionInValue(source, found.path, value, found.offset + index);
    const syntax = checkExpression(found.text);
    if (syntax) {
      problems.push({ position: at(syntax.position), id: "expression-syntax", message: `JSONata syntax error: ${syntax.message}. Check the expression's brackets, quotes and operators` });
    }
    for (const m of found.text.matchAll(ENV_REF)) {
      const name = m[1]!;
      if (name.startsWith("AWS_")) {
        problems.push({ position: at(m.index!), id: "env-aws", message: `$env.${name}: AWS_* variables are never exposed to policies` });
      } else if (!declared.has(name)) {
        problems.push({ position: at(m.index!), id: "env-undeclared", message: `$env.${name} is not declared; add ${name} to the policy's env list` });
      }
    }
    for (const m of found.text.matchAll(STEPS_REF)) {
      const id = m[1]!;
      const index = stepIds.indexOf(id);
      const limit = found.step ?? 0;
      if (index < 0 || index >= limit) {
        const earlier = stepIds.slice(0, limit).filter(Boolean);
        problems.push({
          position: at(m.index!),
          id: "steps-unknown",
          message: index >= limit
            ? `$steps.${id} refers to step ${index} which runs later; only earlier steps' outputs exist${found.step === undefined ? " (filter and vars run before any step)" : ""}`
            : `$steps.${id}: no earlier step has id "${id}"${earlier.length ? `; earlier ids: ${earlier.join(", ")}` : ""}`,
        });
      }
    }
    for (const m of found.text.matchAll(AGO_CALL)) {
      if (!new RegExp(DURATION_PATTERN).test(m[2]!)) {
        problems.push({ position: at(m.index!), id: "bad-duration", message: `$ago("${m[2]}"): a duration is <n>s|m|h|d|w, e.g. "30d"` });
      }
    }
  }
  return problems;
}
