import jsonata from "jsonata";
import { ExpressionError } from "./errors.ts";

/** A JSONata expression that failed to compile, with the offset inside its text. */
export interface ExpressionSyntax {
  position: number;
  message: string;
}

/** A `{% expr %}` block inside a string: the expression and where it starts in the string. */
export interface TemplatePart {
  expression: string;
  offset: number;
}

const TEMPLATE = /\{%([\s\S]*?)%\}/g;

/** The `{% %}` blocks of a string, in order. */
export function templateParts(text: string): TemplatePart[] {
  return [...text.matchAll(TEMPLATE)].map((m) => ({ expression: m[1]!, offset: m.index! + 2 }));
}

/** True when the string is exactly one `{% expr %}`: its value keeps the expression's type. */
export function isLoneTemplate(text: string): boolean {
  const parts = templateParts(text);
  return parts.length === 1 && text.startsWith("{%") && text.endsWith("%}");
}

/** Compiles an expression, answering a syntax problem instead of throwing. */
export function checkExpression(text: string): ExpressionSyntax | undefined {
  try {
    jsonata(text);
    return undefined;
  } catch (error) {
    const e = error as { position?: number; message?: string; token?: string };
    return { position: Math.max(0, (e.position ?? 1) - 1), message: e.message ?? String(error) };
  }
}

/**
 * Bounds that stop an expression that never ends or explodes in size. Time and depth are
 * JSONata's own guardrails, checked at every evaluation step; size is checked on every
 * intermediate value (a legitimate value is bounded by the 256 KB event and step outputs).
 */
export const EXPRESSION_LIMITS = { timeoutMs: 1000, maxDepth: 200, maxItems: 1_000_000, maxStringLength: 4_000_000 } as const;

const compiled = new Map<string, jsonata.Expression>();
const EVALUATE_EXIT = Symbol.for("jsonata.__evaluate_exit");

function compile(text: string): jsonata.Expression {
  let expression = compiled.get(text);
  if (!expression) {
    expression = jsonata(text, { timeout: EXPRESSION_LIMITS.timeoutMs, stack: EXPRESSION_LIMITS.maxDepth });
    // JSONata looks its evaluation hooks up under symbols; bindings passed to evaluate() cannot carry symbols.
    expression.assign(EVALUATE_EXIT as unknown as string, checkSize);
    compiled.set(text, expression);
  }
  return expression;
}

function checkSize(_expr: unknown, _input: unknown, _environment: unknown, result: unknown): void {
  if (Array.isArray(result) && result.length > EXPRESSION_LIMITS.maxItems) {
    throw { code: "U1003", message: `expression built a sequence of ${result.length} items, above the limit of ${EXPRESSION_LIMITS.maxItems}` };
  }
  if (typeof result === "string" && result.length > EXPRESSION_LIMITS.maxStringLength) {
    throw { code: "U1004", message: `expression built a string of ${result.length} characters, above the limit of ${EXPRESSION_LIMITS.maxStringLength}` };
  }
}

/**
 * Evaluates JSONata with bindings, bounded in time, depth and size.
 *
 * @example
 * await evaluateExpression('detail.state = "stopped"', event, { now: "2026-01-01T00:00:00Z" }) // true
 */
export async function evaluateExpression(text: string, input: unknown, bindings: Record<string, unknown>, where: ExpressionError["where"] = {}): Promise<unknown> {
  try {
    const expression = compile(text);
    return await expression.evaluate(input, bindings);
  } catch (error) {
    const e = error as { message?: string };
    throw new ExpressionError(`${describeWhere(where)}expression ${JSON.stringify(text.trim())} failed: ${e.message ?? String(error)}`, where, { cause: error });
  }
}

function describeWhere(where: ExpressionError["where"]): string {
  const parts = [where.policy && `policy ${where.policy}`, where.step !== undefined && `step ${where.step}`, where.param && `parameter ${where.param}`].filter(Boolean);
  return parts.length ? `${parts.join(", ")}: ` : "";
}

function interpolate(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Renders `{% %}` templates in a value (strings, arrays, objects, recursively). A lone template
 * keeps its type; mixed text interpolates (objects as compact JSON).
 */
export async function renderTemplates(value: unknown, input: unknown, bindings: Record<string, unknown>, where: ExpressionError["where"] = {}): Promise<unknown> {
  if (typeof value === "string") {
    const parts = templateParts(value);
    if (parts.length === 0) return value;
    if (isLoneTemplate(value)) return evaluateExpression(parts[0]!.expression, input, bindings, where);
    let out = "";
    let last = 0;
    for (const part of parts) {
      out += value.slice(last, part.offset - 2);
      out += interpolate(await evaluateExpression(part.expression, input, bindings, where));
      last = part.offset + part.expression.length + 2;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await renderTemplates(item, input, bindings, where));
    return out;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const rendered = await renderTemplates(item, input, bindings, { ...where, param: where.param ? `${where.param}.${key}` : key });
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return value;
}
