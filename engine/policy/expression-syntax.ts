import jsonata from "jsonata";

/** A JSONata syntax error: where in the expression's text the mistake stands, and what to do. */
export interface ExpressionSyntaxProblem {
  offset: number;
  message: string;
}

interface JsonataError {
  code?: string;
  position?: number;
  token?: unknown;
  value?: unknown;
  message?: string;
}

const QUOTES = new Set(['"', "'", "`"]);

/** Where the string or backquoted name that never ends opens. */
function unclosedQuote(text: string): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (open === undefined) {
      if (QUOTES.has(c)) open = i;
    } else if (c === "\\" && text[open] !== "`") {
      i++;
    } else if (c === text[open]) {
      open = undefined;
    }
  }
  return open;
}

// JSONata reports the offset just past the token it stopped at (sometimes past a look-ahead
// token); the token's own start is where a reader looks for the mistake.
function errorOffset(text: string, error: JsonataError): number {
  const end = Math.max(0, Math.min(error.position ?? 0, text.length));
  if (error.code === "S0101" || error.code === "S0105") return unclosedQuote(text) ?? end;
  const token = error.token === undefined ? "(end)" : String(error.token);
  if (token === "(end)") return Math.max(0, Math.min(end, text.trimEnd().length));
  const start = text.lastIndexOf(token, Math.max(0, end - 1));
  if (start < 0) return Math.max(0, end - 1);
  const quoted = start > 0 && QUOTES.has(text[start - 1]!) && text[start + token.length] === text[start - 1];
  return quoted ? start - 1 : start;
}

function hint(text: string, offset: number, error: JsonataError): string {
  const token = error.token === undefined ? undefined : String(error.token);
  const expected = typeof error.value === "string" ? error.value : undefined;
  const previous = text.slice(0, offset).trimEnd().at(-1);
  switch (error.code) {
    case "S0101":
      return "the string that opens here never ends; close it with the same quote";
    case "S0105":
      return "the `name` that opens here never ends; close it with a backquote";
    case "S0106":
      return "the comment never ends; close it with */";
    case "S0201":
      return `"${token}" cannot follow what stands before it; an operator, a comma or a bracket is probably missing before it`;
    case "S0202":
      return expected && /^[)\]}]$/.test(expected)
        ? `a comma is probably missing before "${token}" (or a ${expected} to close what is open)`
        : `write ${expected ?? "the expected symbol"} here`;
    case "S0203":
      return `add the missing ${expected ?? "closing bracket"}: every ${expected === "]" ? "[" : expected === "}" ? "{" : "("} needs its ${expected ?? "match"}`;
    case "S0207":
      return "the expression ends too early: complete the last operation";
    case "S0211":
      if (token === "=" && (previous === "=" || previous === "!")) return 'JSONata compares with a single =, e.g. detail.state = "stopped"';
      return `"${token}" needs a value on its left`;
    default:
      return "check the brackets, quotes and operators around it";
  }
}

/**
 * Parses a JSONata expression once: its syntax tree, or its syntax problem, whose offset points
 * at the offending token inside `text` (for a missing end, just after the expression).
 *
 * @example
 * parseExpression('detail.state == "stopped"').problem
 * // { offset: 14, message: 'JSONata syntax error: The symbol "=" cannot be used as a unary operator; JSONata compares with a single =, ...' }
 */
export function parseExpression(text: string): { ast: unknown; problem?: undefined } | { ast?: undefined; problem: ExpressionSyntaxProblem } {
  try {
    return { ast: jsonata(text).ast() };
  } catch (caught) {
    const error = caught as JsonataError;
    const offset = errorOffset(text, error);
    const message = (error.message ?? String(caught)).replace(/\.$/, "");
    return { problem: { offset, message: `JSONata syntax error: ${message}; ${hint(text, offset, error)}` } };
  }
}
