/**
 * The functions JSONata binds itself (its static frame, plus `$millis` bound per evaluation).
 * `$now` is not here: Caretaker binds `$now` to the event's time as a string.
 */
export const JSONATA_FUNCTIONS: ReadonlySet<string> = new Set([
  "sum", "count", "max", "min", "average", "string", "substring", "substringBefore", "substringAfter",
  "lowercase", "uppercase", "length", "trim", "pad", "match", "contains", "replace", "split", "join",
  "formatNumber", "formatBase", "formatInteger", "parseInteger", "number", "floor", "ceil", "round",
  "abs", "sqrt", "power", "random", "boolean", "not", "map", "zip", "filter", "single", "reduce",
  "sift", "keys", "lookup", "append", "exists", "spread", "merge", "reverse", "each", "error",
  "assert", "type", "sort", "shuffle", "distinct", "base64encode", "base64decode",
  "encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl", "eval", "toMillis",
  "fromMillis", "clone", "millis",
]);

/** A `$name` an expression reads from outside itself. */
export interface VariableReference {
  name: string;
  /** Offset of the `$` in the expression's text. */
  offset: number;
  /** Called as a function, `$name(...)`. */
  call: boolean;
}

interface AstNode {
  type?: string;
  value?: unknown;
  focus?: unknown;
  index?: unknown;
  lhs?: unknown;
  procedure?: AstNode;
  arguments?: AstNode[];
  [key: string]: unknown;
}

// JSONata's tree may share nodes (ancestor slots, tuple stages): each node is visited once.
function walk(node: unknown, visit: (node: AstNode) => void, seen = new WeakSet<object>()): void {
  if (!node || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, seen);
  } else {
    visit(node as AstNode);
    for (const value of Object.values(node)) walk(value, visit, seen);
  }
}

function offsetsOf(text: string, name: string): number[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...text.matchAll(new RegExp(`\\$${escaped}(?![A-Za-z0-9_])`, "g"))].map((m) => m.index!);
}

/**
 * The variables an expression reads that it does not bind itself (`:=`, function parameters,
 * `@$x`, `#$i`) and that are not JSONata's own functions. Scopes are flattened: a name bound
 * anywhere in the expression counts as bound everywhere in it, so this never reports a variable
 * the expression defines. `ast` is the expression's syntax tree (parseExpression).
 *
 * @example
 * const text = '$count($steps.snap.snapshots) > 0 and $instanceId';
 * freeVariables(text, parseExpression(text).ast)
 * // [{ name: "steps", offset: 7, call: false }, { name: "instanceId", offset: 38, call: false }]
 */
export function freeVariables(text: string, ast: unknown): VariableReference[] {
  const local = new Set<string>();
  const used = new Map<string, boolean>();
  walk(ast, (node) => {
    if (typeof node.focus === "string") local.add(node.focus);
    if (typeof node.index === "string") local.add(node.index);
    if (node.type === "bind" && (node.lhs as AstNode | undefined)?.type === "variable") local.add(String((node.lhs as AstNode).value));
    if (node.type === "lambda") for (const argument of node.arguments ?? []) local.add(String(argument.value));
    if ((node.type === "function" || node.type === "partial") && node.procedure?.type === "variable") {
      used.set(String(node.procedure.value), true);
    }
    if (node.type === "variable" && typeof node.value === "string" && node.value !== "" && node.value !== "$") {
      if (!used.has(node.value)) used.set(node.value, false);
    }
  });
  const out: VariableReference[] = [];
  for (const [name, call] of used) {
    if (local.has(name) || JSONATA_FUNCTIONS.has(name)) continue;
    for (const offset of offsetsOf(text, name).slice(0, 1)) out.push({ name, offset, call });
  }
  return out.sort((a, b) => a.offset - b.offset);
}
