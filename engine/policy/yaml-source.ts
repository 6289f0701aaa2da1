import { isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { DocPath, SourcePosition } from "./types.ts";

export interface RawProblem {
  path?: DocPath;
  /** Point at the key of the last path segment instead of its value. */
  atKey?: boolean;
  position?: SourcePosition;
  id: string;
  message: string;
  /** For an unknown key: the known key it probably means. */
  suggests?: string;
  /** For a missing key: the keys that would satisfy it (dropped when an unknown key next to it suggests one). */
  wants?: string[];
}

/** How a scalar is written in the file; decides how offsets inside its value map back to the source. */
export type ScalarStyle = "PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE" | "BLOCK_LITERAL" | "BLOCK_FOLDED";

/** A parsed YAML file that can say where any value of it stands. */
export interface YamlSource {
  text: string;
  value: unknown;
  problems: RawProblem[];
  locate(path: DocPath, atKey?: boolean): SourcePosition;
  /** The source node of the scalar at `path`, for mapping offsets inside it. */
  scalarAt(path: DocPath): { offset: number; raw: string; style: ScalarStyle } | undefined;
  positionOf(offset: number): SourcePosition;
}

/** The few YAML problem ids users and tests rely on; every other parser complaint is a syntax error. */
const YAML_PROBLEM_IDS: Record<string, string> = {
  DUPLICATE_KEY: "yaml-duplicate-key",
  TAB_AS_INDENT: "yaml-tab-indent",
};

function nodeAt(doc: Document, path: DocPath, atKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return node as Node;
      if (atKey && i === path.length - 1) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!item) return node as Node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

/** Quoted scalars and flow collections: the nodes a parser can find unclosed. */
function openers(doc: Document): Node[] {
  const found: Node[] = [];
  visit(doc, (_key, node) => {
    if (isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")) found.push(node);
    else if (isCollection(node) && node.flow) found.push(node);
  });
  return found;
}

/** The repeated key standing at `offset`, and where the same key first appears in its mapping. */
function duplicateKeyAt(doc: Document, offset: number): { key: string; first?: number } {
  let found: { key: string; first?: number } | undefined;
  visit(doc, {
    Map(_key, map) {
      const keys = map.items.map((pair) => (isScalar(pair.key) ? pair.key : undefined));
      const index = keys.findIndex((k) => k?.range?.[0] === offset);
      if (index < 0) return undefined;
      const key = String(keys[index]!.value);
      found = { key, first: keys.find((k) => k !== undefined && String(k.value) === key)?.range?.[0] };
      return visit.BREAK;
    },
  });
  return found ?? { key: "" };
}

/** Keys that are mappings or lists (`? ` or a stray `{`): YAML allows them, a policy has no use for them. */
function complexKeyProblems(doc: Document, positionOf: (offset: number) => SourcePosition): RawProblem[] {
  const problems: RawProblem[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key) && pair.key.range) {
        problems.push({ position: positionOf(pair.key.range[0]), id: "yaml-syntax", message: "this key is a mapping or a list (from a stray ? or {); a key is a plain name such as trigger: — check the indentation and brackets here" });
      }
    },
  });
  return problems;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+.*$/, "").replace(/\.$/, "");
}

/**
 * Turns the parser's errors into problems that say where the mistake was made and what to do.
 * An unclosed quote or bracket is reported where it opens (the parser notices only where it
 * gives up); tabs are reported once per file, since one editor setting causes them all.
 */
function yamlProblems(doc: Document, text: string, positionOf: (offset: number) => SourcePosition): RawProblem[] {
  const errors: YAMLError[] = [...doc.errors, ...doc.warnings];
  const problems: RawProblem[] = [];
  const tabs = errors.filter((e) => e.code === "TAB_AS_INDENT");
  // After a syntax error the parser resynchronises badly: one missing quote can yield dozens of
  // "unexpected token" complaints about sound lines. The first one is the mistake.
  const syntax = errors.filter((e) => !(e.code in YAML_PROBLEM_IDS));
  const later = syntax.length - 1;
  const more = later > 0 ? ` (the parser's ${later} later complaint${later === 1 ? "" : "s"} may follow from this one: fix it and validate again)` : "";
  for (const error of errors) {
    if (syntax.includes(error) && error !== syntax[0]) continue;
    const id = YAML_PROBLEM_IDS[error.code] ?? "yaml-syntax";
    const at = error.pos[0];
    if (error.code === "TAB_AS_INDENT") {
      if (error !== tabs[0]) continue;
      const count = tabs.length > 1 ? ` (${tabs.length} lines in this file)` : "";
      problems.push({ position: positionOf(at), id, message: `a tab indents this line${count}; YAML allows only spaces for indentation: replace each tab with spaces` });
      continue;
    }
    if (error.code === "DUPLICATE_KEY") {
      const { key, first } = duplicateKeyAt(doc, at);
      const firstAt = first === undefined ? "" : ` (first on line ${positionOf(first).line})`;
      problems.push({ position: positionOf(at), id, message: `key "${key}" appears twice in the same mapping${firstAt}; keep one and remove or rename the other` });
      continue;
    }
    if (error.code === "MULTIPLE_DOCS") {
      problems.push({ position: positionOf(at), id, message: `a second YAML document (---) starts here; a file holds one policy, put the other in its own file${more}` });
      continue;
    }
    const unclosed = /Missing closing|must be sufficiently indented and end with/.test(error.message)
      ? openers(doc).find((node) => node.range?.[1] === at)
      : undefined;
    if (unclosed?.range) {
      const isQuote = isScalar(unclosed);
      const opener = isQuote ? text[unclosed.range[0]] : text[unclosed.range[0]] === "{" ? "{" : "[";
      const closer = isQuote ? opener : opener === "{" ? "}" : "]";
      problems.push({
        position: positionOf(unclosed.range[0]),
        id,
        message: `YAML syntax error: this ${opener} is never closed; add the matching ${closer}${isQuote ? "" : " before the line ends, or indent the continued lines further"}${more}`,
      });
      continue;
    }
    problems.push({ position: positionOf(at), id, message: `YAML syntax error: ${firstLine(error.message)}${more}` });
  }
  return problems;
}

/**
 * Parses YAML keeping positions. YAML errors (syntax, duplicate keys, tabs) become problems;
 * they never throw.
 *
 * @example
 * const source = parseYamlSource("name: x\ntrigger: {}\n");
 * source.locate(["trigger"]); // { line: 2, column: 10 }
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems = [...yamlProblems(doc, text, positionOf), ...complexKeyProblems(doc, positionOf)];
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Aliases that expand without bound (a "billion laughs" file) are refused, not followed.
      const at = doc.contents?.range?.[0] ?? 0;
      problems.push({ position: positionOf(at), id: "yaml-syntax", message: `YAML aliases expand too far (${(error as Error).message}); write the values out instead of repeating *aliases` });
    }
  }
  return {
    text,
    value,
    problems,
    positionOf,
    locate(path, atKey = false) {
      const node = nodeAt(doc, path, atKey);
      const offset = node?.range?.[0];
      return offset === undefined ? { line: 1, column: 1 } : positionOf(offset);
    },
    scalarAt(path) {
      const node = nodeAt(doc, path, false);
      if (!isScalar(node) || !node.range) return undefined;
      return { offset: node.range[0], raw: text.slice(node.range[0], node.range[1]), style: (node.type ?? "PLAIN") as ScalarStyle };
    },
  };
}
