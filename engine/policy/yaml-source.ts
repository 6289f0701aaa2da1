import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { DocPath, SourcePosition } from "./types.ts";

export interface RawProblem {
  path?: DocPath;
  /** Point at the key of the last path segment instead of its value. */
  atKey?: boolean;
  position?: SourcePosition;
  id: string;
  message: string;
}

/** A parsed YAML file that can say where any value of it stands. */
export interface YamlSource {
  text: string;
  value: unknown;
  problems: RawProblem[];
  locate(path: DocPath, atKey?: boolean): SourcePosition;
  /** The source node of the scalar at `path`, for mapping offsets inside it. */
  scalarAt(path: DocPath): { offset: number; raw: string } | undefined;
  positionOf(offset: number): SourcePosition;
}

function yamlProblemId(code: string): string {
  return `yaml-${code.toLowerCase().replace(/_/g, "-")}`;
}

function hint(code: string, message: string): string {
  const first = message.split("\n")[0] ?? message;
  if (code === "DUPLICATE_KEY") return `${first.replace(/\.$/, "")}: each key may appear once; remove or rename the repeated key`;
  if (code === "TAB_AS_INDENT" || /tab/i.test(first)) return `${first.replace(/\.$/, "")}: indent with spaces, YAML does not allow tabs`;
  return `YAML syntax error: ${first.replace(/ at line \d+, column \d+.*$/, "")}`;
}

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

/**
 * Parses YAML keeping positions. YAML errors (syntax, duplicate keys, tabs) become problems;
 * they never throw.
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: RawProblem[] = [...doc.errors, ...doc.warnings].map((error) => ({
    position: positionOf(error.pos[0]),
    id: yamlProblemId(error.code),
    message: hint(error.code, error.message),
  }));
  const value = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
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
      return { offset: node.range[0], raw: text.slice(node.range[0], node.range[1]) };
    },
  };
}
