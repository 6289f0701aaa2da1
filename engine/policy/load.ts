import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { ActionRegistry } from "../action-contract.ts";
import { PolicyError, type Problem } from "../errors.ts";
import { assemblePolicySchema } from "./schema.ts";
import { schemaProblems } from "./validate-schema.ts";
import { semanticProblems } from "./validate-semantics.ts";
import { expressionProblems } from "./validate-expressions.ts";
import { policyVersion } from "./version.ts";
import { parseYamlSource, type RawProblem, type YamlSource } from "./yaml-source.ts";
import type { DocPath, LoadedPolicy, PolicyDoc } from "./types.ts";

export interface LoadResult {
  policies: LoadedPolicy[];
  problems: Problem[];
}

const POLICY_FILE = /\.ya?ml$/;

/**
 * The policy files named by paths: files as given, folders' *.yml and *.yaml files, sorted
 * (not sub-folders). A path that does not exist is kept, so loading reports it.
 *
 * @example
 * listPolicyFiles(["policies"]) // ["policies/auto-snapshot-on-stop.yml", ...]
 */
export function listPolicyFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    // A path that does not exist is read below like any file, and reported as a problem there.
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      files.push(...readdirSync(path).filter((f) => POLICY_FILE.test(f)).sort().map((f) => join(path, f)));
    } else files.push(path);
  }
  return files;
}

const schemas = new WeakMap<ActionRegistry, Record<string, unknown>>();

function schemaFor(registry: ActionRegistry): Record<string, unknown> {
  let schema = schemas.get(registry);
  if (!schema) {
    schema = assemblePolicySchema(registry);
    schemas.set(registry, schema);
  }
  return schema;
}

function place(file: string, source: YamlSource, raw: RawProblem): Problem {
  const position = raw.position ?? source.locate(raw.path ?? [], raw.atKey);
  // One problem, one line: a value quoted into a message may hold line breaks.
  return { file, line: position.line, column: position.column, id: raw.id, message: raw.message.replace(/\s*\n\s*/g, " ") };
}

function samePath(a: DocPath, b: DocPath): boolean {
  return a.length === b.length && a.every((segment, i) => String(segment) === String(b[i]));
}

/**
 * One mistake, one problem: a misspelled key (`trigers`) also leaves the key it meant missing.
 * The unknown key's "did you mean" says it all, so the missing-key echo next to it is dropped.
 */
function withoutEchoes(raws: RawProblem[]): RawProblem[] {
  const meant = raws.filter((r) => r.suggests !== undefined && r.path);
  return raws.filter((r) => !r.wants || !r.path || !meant.some((u) => r.wants!.includes(u.suggests!) && samePath(u.path!.slice(0, -1), r.path!)));
}

function byPosition(a: Problem, b: Problem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

/**
 * Loads and checks one policy file from its text. Never throws for bad input: every problem
 * is returned, each with its line and column, one per mistake.
 *
 * @example
 * const { policy, problems } = loadPolicyText("p.yml", "apiVersion: caretaker/v1\n", registry);
 * // policy undefined; problems: [{ file: "p.yml", line: 1, column: 1, id: "missing-key", message: 'the policy is missing required key "name"; ...' }, ...]
 */
export function loadPolicyText(file: string, text: string, registry: ActionRegistry): { policy?: LoadedPolicy; problems: Problem[] } {
  const source = parseYamlSource(text);
  const problem = (raw: RawProblem) => place(file, source, raw);
  if (source.problems.length) return { problems: source.problems.map(problem) };
  const value = source.value;
  if (value === null || value === undefined) {
    return { problems: [problem({ position: { line: 1, column: 1 }, id: "empty-file", message: "the file holds no policy; start it with apiVersion: caretaker/v1, name, trigger and actions" })] };
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return { problems: [problem({ path: [], id: "not-a-mapping", message: `a policy file holds one mapping (apiVersion, name, trigger, actions), not ${Array.isArray(value) ? "a list" : `a ${typeof value}`}; put one policy per file` })] };
  }
  const doc = value as PolicyDoc;
  const raws = [...schemaProblems(schemaFor(registry), doc, registry), ...semanticProblems(doc, registry), ...expressionProblems(doc, source, registry)];
  const problems = withoutEchoes(raws).map(problem).sort(byPosition);
  if (problems.length) return { problems };
  return {
    policy: { file, doc, version: policyVersion(doc as unknown as Record<string, unknown>), locate: (path) => source.locate(path) },
    problems,
  };
}

/**
 * Loads every policy under the given paths and checks all of them; collects every problem of
 * every file (never stops at the first), including names used twice.
 *
 * @example
 * const { policies, problems } = loadPolicyFiles(["policies"], registry);
 */
export function loadPolicyFiles(paths: string[], registry: ActionRegistry, cwd = process.cwd()): LoadResult {
  const policies: LoadedPolicy[] = [];
  const problems: Problem[] = [];
  const byName = new Map<string, LoadedPolicy>();
  for (const path of listPolicyFiles(paths)) {
    const file = relative(cwd, path) || path;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = code === "ENOENT" ? "no such file or folder; check the path" : `cannot read the file: ${(error as Error).message}`;
      problems.push({ file, line: 1, column: 1, id: "unreadable", message });
      continue;
    }
    const result = loadPolicyText(file, text, registry);
    problems.push(...result.problems);
    const policy = result.policy;
    if (!policy) continue;
    const first = byName.get(policy.doc.name);
    if (first) {
      const at = policy.locate(["name"]);
      problems.push({ file, line: at.line, column: at.column, id: "duplicate-name", message: `policy name "${policy.doc.name}" is already used by ${first.file}; names must be unique` });
      continue;
    }
    byName.set(policy.doc.name, policy);
    policies.push(policy);
  }
  return { policies, problems };
}

/**
 * Like loadPolicyFiles, but throws PolicyError (carrying every problem) when any file has one.
 *
 * @example
 * const policies = loadPoliciesOrThrow(["policies"], registry);
 */
export function loadPoliciesOrThrow(paths: string[], registry: ActionRegistry, cwd?: string): LoadedPolicy[] {
  const { policies, problems } = loadPolicyFiles(paths, registry, cwd);
  if (problems.length) throw new PolicyError(problems);
  return policies;
}
