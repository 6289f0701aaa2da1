import { templateParts } from "../expressions.ts";
import { parseExpression } from "./expression-syntax.ts";
import { freeVariables, JSONATA_FUNCTIONS } from "./expression-variables.ts";
import { closest } from "./suggest.ts";
import { describePath } from "./validate-schema.ts";
import { DURATION_PATTERN } from "../duration.ts";
import type { DocPath, PolicyDoc, SourcePosition } from "./types.ts";
import type { RawProblem, YamlSource } from "./yaml-source.ts";
import type { ActionRegistry } from "../action-contract.ts";

/** An expression found in the document: its text and where its first character stands in the value. */
interface FoundExpression {
  path: DocPath;
  text: string;
  /** Offset of the expression inside the YAML value's string. */
  offset: number;
  /** The step the expression belongs to, when inside `actions`. */
  step?: number;
}

/** Calls `visit` with every string under `value` and its path. */
function walkStrings(value: unknown, path: DocPath, visit: (text: string, path: DocPath) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, [...path, i], visit));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
}

function collectTemplates(value: unknown, path: DocPath, step: number, out: FoundExpression[]): void {
  walkStrings(value, path, (text, at) => {
    for (const part of templateParts(text)) out.push({ path: at, text: part.expression, offset: part.offset, step });
  });
}

/**
 * Template-shaped text that is not a template, and would be sent as it is: a `{%` never closed,
 * or `{{ $x }}` written from habit of other template languages.
 */
function templateShapeProblems(doc: PolicyDoc, source: YamlSource): RawProblem[] {
  const problems: RawProblem[] = [];
  (Array.isArray(doc.actions) ? doc.actions : []).forEach((step, i) => {
    if (!step || typeof step !== "object") return;
    walkStrings(step.with, ["actions", i, "with"], (text, path) => {
      const outside = text.replace(/\{%[\s\S]*?%\}/g, (m) => " ".repeat(m.length));
      const open = outside.indexOf("{%");
      if (open >= 0) {
        problems.push({ position: positionInValue(source, path, text, open), id: "template-unclosed", message: `this {% is never closed, so the text would be sent as it is; end the expression with %}, e.g. "{% $instanceId %}"` });
      }
      const braces = /\{\{\s*(\$[^}]*?)\s*\}\}/.exec(outside);
      if (braces) {
        problems.push({ position: positionInValue(source, path, text, braces.index), id: "template-syntax", message: `{{ ${braces[1]} }} is not a Caretaker template and would be sent as it is; write {% ${braces[1]} %}` });
      }
    });
  });
  return problems;
}

/** Every JSONata expression of a policy: filter, vars, step guards and `{% %}` templates. */
export function collectExpressions(doc: PolicyDoc, registry?: ActionRegistry): FoundExpression[] {
  const out: FoundExpression[] = [];
  if (typeof doc.filter === "string") out.push({ path: ["filter"], text: doc.filter, offset: 0 });
  const vars = doc.vars && typeof doc.vars === "object" && !Array.isArray(doc.vars) ? doc.vars : {};
  for (const [name, text] of Object.entries(vars)) {
    if (typeof text === "string") out.push({ path: ["vars", name], text, offset: 0 });
  }
  (Array.isArray(doc.actions) ? doc.actions : []).forEach((step, i) => {
    if (!step || typeof step !== "object") return;
    if (typeof step.if === "string") out.push({ path: ["actions", i, "if"], text: step.if, offset: 0, step: i });
    collectTemplates(step.with, ["actions", i, "with"], i, out);
    const own = typeof step.type === "string" ? registry?.get(step.type)?.meta.expressions ?? [] : [];
    const params = step.with && typeof step.with === "object" ? (step.with as Record<string, unknown>) : {};
    for (const name of own) {
      const text = params[name];
      if (typeof text === "string" && !text.includes("{%")) out.push({ path: ["actions", i, "with", name], text, offset: 0, step: i });
    }
  });
  return out;
}

/** The source offset of each character of a one-line quoted scalar's value, escapes included. */
function quotedOffsets(raw: string, double: boolean): number[] {
  const offsets: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    offsets.push(i);
    if (double && raw[i] === "\\") i += raw[i + 1] === "x" ? 3 : raw[i + 1] === "u" ? 5 : raw[i + 1] === "U" ? 9 : 1;
    else if (!double && raw[i] === "'" && raw[i + 1] === "'") i += 1;
  }
  return offsets;
}

/**
 * Maps an offset inside a YAML string value to its line and column in the file, so a
 * JSONata error points where the expression stands, also inside quoted and block scalars.
 *
 * @example
 * // line 3 of the file: `  day: "a \"b\" {% $x %}"`
 * positionInValue(source, ["vars", "day"], 'a "b" {% $x %}', 9) // { line: 3, column: 20 }
 */
export function positionInValue(source: YamlSource, path: DocPath, value: string, offset: number): SourcePosition {
  const scalar = source.scalarAt(path);
  if (!scalar) return source.locate(path);
  const start = source.positionOf(scalar.offset);
  const before = value.slice(0, offset);
  const lineIndex = before.split("\n").length - 1;
  const column = before.length - (before.lastIndexOf("\n") + 1);
  const oneLine = !scalar.raw.includes("\n");
  if (oneLine && scalar.style === "PLAIN") return { line: start.line, column: start.column + offset };
  if (oneLine && (scalar.style === "QUOTE_DOUBLE" || scalar.style === "QUOTE_SINGLE")) {
    const offsets = quotedOffsets(scalar.raw, scalar.style === "QUOTE_DOUBLE");
    return { line: start.line, column: start.column + (offsets[offset] ?? scalar.raw.length - 1) };
  }
  if (scalar.style === "BLOCK_LITERAL") {
    // Each value line is one source line after the header, behind the block's indentation.
    const lines = scalar.raw.split("\n");
    const indent = lines.slice(1).find((line) => line.trim() !== "")?.match(/^ */)?.[0].length ?? 0;
    return { line: start.line + 1 + lineIndex, column: indent + column + 1 };
  }
  // Folded and multi-line flow scalars join their lines: find each source line's text in the
  // value, in order, and place the offset on the line whose text holds it.
  let searchFrom = 0;
  let lineStart = 0;
  let best: { valueAt: number; sourceAt: number } | undefined;
  for (const [i, line] of scalar.raw.split("\n").entries()) {
    const skip = i === 0 && scalar.style !== "BLOCK_FOLDED" ? 1 : 0;
    const content = line.slice(skip).trim().replace(/["']$/, "");
    const found = content && !(i === 0 && scalar.style === "BLOCK_FOLDED") ? value.indexOf(content, searchFrom) : -1;
    if (found >= 0 && found <= offset) best = { valueAt: found, sourceAt: lineStart + line.indexOf(content, skip) };
    if (found >= 0) searchFrom = found + content.length;
    lineStart += line.length + 1;
  }
  if (best) return source.positionOf(scalar.offset + best.sourceAt + (offset - best.valueAt));
  return start;
}

function valueAt(doc: unknown, path: DocPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], doc);
}

const ENV_REF = /\$env\.([A-Za-z_][A-Za-z0-9_]*)/g;
const STEPS_REF = /\$steps\.([A-Za-z_][A-Za-z0-9_]*)/g;
const AGO_CALL = /\$ago\(\s*(["'])(.*?)\1\s*\)/g;

function stepsProblem(id: string, index: number, step: number | undefined, stepIds: (string | undefined)[]): Omit<RawProblem, "position"> {
  const limit = step ?? 0;
  if (index >= 0 && index === step) {
    return { id: "steps-later", message: `$steps.${id} is this step's own output, which exists only after it runs; use it in a later step` };
  }
  if (index >= limit) {
    return {
      id: "steps-later",
      message: step === undefined
        ? `$steps.${id} is the output of step ${index}, but filter and vars run before any step; use it in the if or with of a later step`
        : `$steps.${id} is the output of step ${index}, which runs after this step ${step}; only earlier steps' outputs exist. Move this use after step ${index}`,
    };
  }
  const earlier = stepIds.slice(0, limit).filter((x): x is string => Boolean(x));
  const guess = closest(id, earlier);
  return {
    id: "steps-unknown",
    message: `$steps.${id}: no earlier step has id "${id}".${guess ? ` Did you mean "${guess}"?` : ""}${earlier.length ? ` Earlier step ids: ${earlier.join(", ")}` : " Give the step you mean an id, e.g. id: " + id}`,
  };
}

/** What every expression sees besides the vars (SPEC §1, Expressions). */
const BASE_BINDINGS = ["event", "policy", "now", "env", "steps", "ago"] as const;

/**
 * `$name`s that are neither bound nor defined yet where the expression runs: the filter runs
 * before any var, each var sees only the vars above it, steps see them all.
 */
function variableProblems(found: FoundExpression, ast: unknown, varNames: string[]): (Omit<RawProblem, "position"> & { offset: number; name: string })[] {
  const visible = found.path[0] === "filter" ? [] : found.path[0] === "vars" ? varNames.slice(0, varNames.indexOf(String(found.path[1]))) : varNames;
  const problems: (Omit<RawProblem, "position"> & { offset: number; name: string })[] = [];
  for (const ref of freeVariables(found.text, ast)) {
    if ((BASE_BINDINGS as readonly string[]).includes(ref.name) || visible.includes(ref.name)) continue;
    if (varNames.includes(ref.name)) {
      problems.push({
        offset: ref.offset,
        name: ref.name,
        id: "var-too-early",
        message: found.path[0] === "filter"
          ? `$${ref.name} is a var, but the filter runs before the vars are evaluated, so it is empty here; repeat the var's expression in the filter, or test it in a step's if`
          : `$${ref.name} is defined ${ref.name === found.path[1] ? "by this very var" : "after this var"}; vars are evaluated in order, each sees only the vars above it: move ${ref.name} above ${String(found.path[1])}`,
      });
    } else if (ref.call) {
      const guess = closest(ref.name, JSONATA_FUNCTIONS);
      problems.push({ offset: ref.offset, name: ref.name, id: "unknown-function", message: `$${ref.name}() is not a JSONata function.${guess ? ` Did you mean $${guess}()?` : ""} See https://docs.jsonata.org/overview for the functions` });
    } else {
      const known = [...BASE_BINDINGS, ...visible];
      const guess = closest(ref.name, known);
      problems.push({
        offset: ref.offset,
        name: ref.name,
        id: "unknown-variable",
        message: `$${ref.name} is not defined.${guess ? ` Did you mean $${guess}?` : ""} Expressions here see ${known.map((n) => `$${n}`).join(", ")}; declare a var to name a value`,
      });
    }
  }
  return problems;
}

/**
 * Checks every expression (filter, vars, if, `{% %}` templates): syntax, variables, `$env`,
 * `$steps` and `$ago`, each problem at its position inside the YAML value.
 *
 * @example
 * expressionProblems(doc, parseYamlSource(text))
 * // [{ position: { line: 10, column: 23 }, id: "expression-syntax", message: "JSONata syntax error in filter: ..." }]
 */
export function expressionProblems(doc: PolicyDoc, source: YamlSource, registry?: ActionRegistry): RawProblem[] {
  const problems: RawProblem[] = templateShapeProblems(doc, source);
  // A name undeclared or misspelled is one mistake however often it is used: reported at its first use.
  const reported = new Set<string>();
  const once = (id: string, name: string) => !reported.has(`${id} ${name}`) && Boolean(reported.add(`${id} ${name}`));
  const varNames = doc.vars && typeof doc.vars === "object" && !Array.isArray(doc.vars) ? Object.keys(doc.vars) : [];
  const declared = new Set((Array.isArray(doc.env) ? doc.env : []).filter((name): name is string => typeof name === "string"));
  const stepIds = (Array.isArray(doc.actions) ? doc.actions : []).map((s) => (s && typeof s === "object" && typeof s.id === "string" ? s.id : undefined));
  for (const found of collectExpressions(doc, registry)) {
    const value = valueAt(doc, found.path) as string;
    const at = (index: number) => positionInValue(source, found.path, value, found.offset + index);
    const { ast, problem: syntax } = parseExpression(found.text);
    for (const { offset, name, ...problem } of syntax ? [] : variableProblems(found, ast, varNames)) {
      if (problem.id === "var-too-early" || once(problem.id, name)) problems.push({ position: at(offset), ...problem });
    }
    if (syntax) problems.push({ position: at(syntax.offset), id: "expression-syntax", message: syntax.message.replace(/^JSONata syntax error/, `JSONata syntax error in ${describePath(found.path)}`) });
    for (const m of found.text.matchAll(ENV_REF)) {
      const name = m[1]!;
      if (name.startsWith("AWS_") ? !once("env-aws", name) : declared.has(name) || !once("env-undeclared", name)) continue;
      if (name.startsWith("AWS_")) {
        problems.push({ position: at(m.index!), id: "env-aws", message: `$env.${name}: AWS_* variables are never exposed to policies; the engine's own credentials and region are not for policies to read` });
      } else {
        const guess = closest(name, declared);
        problems.push({
          position: at(m.index!),
          id: "env-undeclared",
          message: `$env.${name} is not declared.${guess ? ` Did you mean $env.${guess}?` : ""} Add ${name} to the policy's env list, e.g. env: [${[...declared, name].join(", ")}]`,
        });
      }
    }
    for (const m of found.text.matchAll(STEPS_REF)) {
      const id = m[1]!;
      const index = stepIds.indexOf(id);
      if (index >= 0 && index < (found.step ?? 0)) continue;
      if (index < 0 && !once("steps-unknown", id)) continue;
      problems.push({ position: at(m.index!), ...stepsProblem(id, index < 0 ? -1 : index, found.step, stepIds) });
    }
    for (const m of found.text.matchAll(AGO_CALL)) {
      if (!new RegExp(DURATION_PATTERN).test(m[2]!)) {
        problems.push({
          position: at(m.index! + m[0].indexOf(m[1]!)),
          id: "bad-duration",
          message: `$ago("${m[2]}"): "${m[2]}" is not a duration: write a whole number and one unit s, m, h, d or w, e.g. $ago("1d")`,
        });
      }
    }
  }
  return problems;
}
