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

/** Bounds that stop an expression that never ends or explodes in size. */
export const EXPRESSION_LIMITS = { timeoutMs: 1000, maxDepth: 200 } as const;

const compiled = new Map<string, jsonata.Expression>();

function compile(text: string): jsonata.Expression {
  let expression = compiled.get(text);
  if (!expression) {
    expression = jsonata(text);
    compiled.set(text, expression);
  }
  return expression;
}

/**
 * Evaluates JSONata with bindings, bounded in time and depth.
 *
 * @example
 * await evaluateExpression('detail.state = "stopped"', event, { now: "2026-01-01T00:00:00Z" }) // true
 */
export async function evaluateExpression(text: string, input: unknown, bindings: Record<string, unknown>, where: ExpressionError["where"] = {}): Promise<unknown> {
  const expression = compile(text);
  const started = Date.now();
  let depth = 0;
  const guard = () => {
    if (depth > EXPRESSION_LIMITS.maxDepth) throw { code: "U1001", message: `expression nested deeper than ${EXPRESSION_LIMITS.maxDepth} levels` };
    if (Date.now() - started > EXPRESSION_LIMITS.timeoutMs) throw { code: "U1002", message: `expression ran longer than ${EXPRESSION_LIMITS.timeoutMs} ms` };
  };
  const bounded = {
    ...bindings,
    __evaluate_entry: () => { depth++; guard(); },
    __evaluate_exit: () => { depth--; guard(); },
  };
  try {
    return await expression.evaluate(input, bounded);
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
