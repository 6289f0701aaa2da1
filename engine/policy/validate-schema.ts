import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ActionRegistry } from "../action-contract.ts";
import { DURATION_PATTERN } from "../duration.ts";
import { ENV_NAME_PATTERN, POLICY_NAME_MAX, POLICY_NAME_PATTERN, STEP_ID_PATTERN, TEMPLATE_PATTERN } from "./core-schema.ts";
import type { DocPath } from "./types.ts";
import type { RawProblem } from "./yaml-source.ts";
import { closest } from "./suggest.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

function pointerToPath(pointer: string): DocPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A document path as users read it: `actions[0].with.older-than`, or "the policy" for the root. */
export function describePath(path: DocPath): string {
  return path.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : out ? `${out}.${s}` : s), "") || "the policy";
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value === "number" ? "the number" : ""} ${JSON.stringify(value)}`.trim();
}

const TYPE_WORDS: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  string: "a string",
  null: "null",
};

/** What the problems are reported against: the document, and the registry for examples. */
interface Context {
  doc: unknown;
  registry?: ActionRegistry;
}

function valueAt(doc: unknown, path: DocPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], doc);
}

/** The action whose `with` block holds `path`, when it does. */
function actionAt(path: DocPath, ctx: Context) {
  if (path[0] !== "actions" || typeof path[1] !== "number" || path[2] !== "with") return undefined;
  const type = (valueAt(ctx.doc, ["actions", path[1], "type"]) as string | undefined) ?? "";
  return ctx.registry?.get(type);
}

/** A one-line YAML rendering of an example value, for "e.g." hints. */
export function yamlInline(value: unknown): string {
  if (typeof value === "string") return /^[\w./:-]+$/.test(value) && !/^(true|false|null|\d+)$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(yamlInline).join(", ")}]`;
  if (value && typeof value === "object") return `{ ${Object.entries(value).map(([k, v]) => `${yamlInline(k)}: ${yamlInline(v)}`).join(", ")} }`;
  return String(value);
}

const CORE_EXAMPLES: Record<string, string> = {
  apiVersion: "apiVersion: caretaker/v1",
  name: "name: prune-old-snapshots",
  trigger: 'trigger: { schedule: "cron(0 2 * * ? *)" } or trigger: { event: { source: [aws.ec2] } }',
  actions: "actions: [{ type: notify, with: { topic: ..., message: ... } }]",
  type: "type: notify",
  expect: "expect: { triggered: true }",
  triggered: "triggered: true",
};

/** An example line for a missing key: the action's own example for its params, else the core format's. */
function exampleFor(path: DocPath, key: string, ctx: Context): string | undefined {
  const action = actionAt([...path, key], ctx);
  if (action && key in action.meta.example) return `${key}: ${yamlInline(action.meta.example[key])}`;
  return CORE_EXAMPLES[key];
}

/** ", e.g. key: value" from the action's example, for the first of `keys` it shows. */
function exampleOf(path: DocPath, keys: string[], ctx: Context): string {
  const example = actionAt([...path, keys[0]!], ctx)?.meta.example ?? {};
  const key = keys.find((k) => k in example);
  return key ? `, e.g. ${key}: ${yamlInline(example[key])}` : "";
}

/** Patterns of the format whose regular expression means nothing to a reader: what they mean instead. */
function patternProblem(path: DocPath, where: string, value: string, pattern: string, description: string | undefined, ctx: Context): RawProblem {
  const last = path[path.length - 1];
  if (pattern === POLICY_NAME_PATTERN) {
    const fixed = value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+|-+$/g, "");
    return { path, id: "bad-format", message: `name ${JSON.stringify(value)} is not kebab-case: use lowercase letters, digits and -, starting with a letter${fixed ? `, e.g. ${fixed}` : ""}` };
  }
  if (pattern === DURATION_PATTERN) {
    return { path, id: "bad-duration", message: `${where} ${JSON.stringify(value)} is not a duration: write a whole number and one unit s, m, h, d or w, e.g. 30d` };
  }
  if (pattern === ENV_NAME_PATTERN) {
    if (value.startsWith("AWS_")) {
      return { path, id: "env-aws", message: `env lists ${value}: AWS_* variables are never exposed to policies; remove it` };
    }
    const fixed = value.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
    return { path, id: "bad-format", message: `env name ${JSON.stringify(value)} must be an environment variable name in capitals, digits and _, e.g. ${/^[A-Z_]/.test(fixed) ? fixed : "ALERT_TOPIC_ARN"}` };
  }
  if (pattern === STEP_ID_PATTERN && last === "id") {
    return { path, id: "bad-format", message: `step id ${JSON.stringify(value)} must be letters, digits and _, not starting with a digit (it is read as $steps.<id>), e.g. ${value.replace(/[^A-Za-z0-9_]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase()).replace(/^[0-9]+/, "") || "snap"}` };
  }
  const meaning = description ? `${description.replace(/\.$/, "")}; ` : "";
  const example = exampleOf(path.slice(0, -1), [String(last)], ctx);
  return { path, id: "bad-format", message: `${where} ${JSON.stringify(value)} is not valid (${meaning}expected ${pattern})${example}` };
}

// A `{% %}` template is offered as the second branch of an anyOf wherever a value is expected;
// its failure says nothing useful, the first branch's errors do. Likewise if/then only selects
// an action's params schema: its own "must match then" adds nothing to the errors inside.
function isNoise(error: ErrorObject): boolean {
  const parent = error.parentSchema as { pattern?: string; anyOf?: Array<{ pattern?: string }> } | undefined;
  if (parent?.pattern === TEMPLATE_PATTERN) return true;
  if (error.keyword === "anyOf" && parent?.anyOf?.some((branch) => branch.pattern === TEMPLATE_PATTERN)) return true;
  return error.keyword === "if";
}

function requiredKeys(branch: unknown): string[] {
  return ((branch as { required?: string[] })?.required ?? []).map(String);
}

function toProblem(error: ErrorObject, ctx: Context): RawProblem | undefined {
  const path = pointerToPath(error.instancePath);
  const where = describePath(path);
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent?.properties as object | undefined) ?? {});
      const guess = closest(key, known);
      const allowed = known.length ? ` Allowed: ${known.join(", ")}` : "";
      return {
        path: [...path, key],
        atKey: true,
        id: "unknown-key",
        suggests: guess,
        message: `unknown key ${JSON.stringify(key)} in ${where}.${guess ? ` Did you mean "${guess}"?` : ""}${allowed}`,
      };
    }
    case "required": {
      const key = String(params.missingProperty);
      const example = exampleFor(path, key, ctx);
      return {
        path,
        atKey: typeof path[path.length - 1] === "string",
        id: "missing-key",
        wants: [key],
        message: `${where} is missing required key "${key}"${example ? `; add e.g. ${example}` : ""}`,
      };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = String(error.data);
      const guess = closest(value, allowed);
      const hint = guess ? ` Did you mean "${guess}"?` : "";
      if (path[path.length - 1] === "type" && path[0] === "actions") {
        return { path, id: "unknown-action", message: `unknown action type "${value}".${hint} Known types: ${allowed.join(", ")}` };
      }
      return { path, id: "bad-value", message: `${where} must be one of ${allowed.join(", ")}, not ${show(error.data)}.${hint}` };
    }
    case "const":
      return { path, id: "bad-value", message: `${where} must be ${JSON.stringify(params.allowedValue)}, not ${show(error.data)}` };
    case "type": {
      const expected = String(params.type).split(",").map((t) => TYPE_WORDS[t] ?? t).join(" or ");
      const data = error.data;
      const yamlOneOne = typeof data === "string" && params.type === "boolean" && /^(yes|no|on|off|y|n)$/i.test(data);
      const unquote = typeof data === "string" && (/^(true|false)$/.test(data) && params.type === "boolean" || /^-?\d+(\.\d+)?$/.test(data) && /integer|number/.test(String(params.type)))
        ? `; write ${data} without quotes`
        : yamlOneOne
          ? `; YAML 1.2 reads ${data} as text: write ${/^(yes|on|y)$/i.test(data) ? "true" : "false"}`
          : "";
      const action = params.type === "object" && path.length === 3 ? actionAt(path, ctx) : undefined;
      let example = action ? `, e.g. with: ${yamlInline(action.meta.example)}` : "";
      if (path.length === 1 && path[0] === "trigger" && typeof data === "string") {
        example = /^(cron|rate)\(/.test(data) ? `; write trigger: { schedule: ${JSON.stringify(data)} }` : "; write trigger: { event: { source: [aws.ec2] } } or trigger: { schedule: \"rate(1 day)\" }";
      } else if (path.length === 2 && path[0] === "trigger" && path[1] === "event" && typeof data === "string") {
        example = `; write event: { source: [${data}] } (an EventBridge pattern: each field holds a list of values)`;
      } else if (path.length === 1 && path[0] === "env" && typeof data === "string") {
        example = `; write ${String(path[0])}: [${data}]`;
      }
      return { path, id: "wrong-type", message: `${where} must be ${expected}, not ${show(data)}${unquote}${example}` };
    }
    case "pattern":
      return patternProblem(path, where, String(error.data), String(params.pattern), parent?.description as string | undefined, ctx);
    case "format":
      return params.format === "date-time"
        ? { path, id: "bad-format", message: `${where} ${JSON.stringify(error.data)} is not an ISO 8601 instant; write it with a time zone, e.g. 2026-03-01T02:00:00Z` }
        : { path, id: "bad-format", message: `${where} ${JSON.stringify(error.data)} is not a valid ${String(params.format)}` };
    case "minItems":
      return {
        path,
        id: "too-few",
        message: path.length === 1 && path[0] === "actions"
          ? `actions needs at least one step; add e.g. - type: notify`
          : `${where} needs at least ${String(params.limit)} item${params.limit === 1 ? "" : "s"}`,
      };
    case "minProperties":
      return { path, id: "too-few", message: `${where} needs at least ${String(params.limit)} entr${params.limit === 1 ? "y" : "ies"}; an empty mapping is not allowed here` };
    case "minLength":
      return { path, id: "too-short", message: params.limit === 1 ? `${where} must not be empty` : `${where} must be at least ${String(params.limit)} characters long` };
    case "maxLength": {
      const length = String(error.data).length;
      const why = path.length === 1 && path[0] === "name" ? ` (EventBridge rule names hold 64 characters, with the prefix caretaker-); shorten it to ${POLICY_NAME_MAX} or fewer` : "";
      return { path, id: "too-long", message: `${where} is ${length} characters long; at most ${String(params.limit)} are allowed${why}` };
    }
    case "minimum":
    case "exclusiveMinimum":
      return { path, id: "too-small", message: `${where} must be ${error.keyword === "minimum" ? "at least" : "more than"} ${String(params.limit)}, not ${JSON.stringify(error.data)}` };
    case "maximum":
    case "exclusiveMaximum":
      return { path, id: "too-large", message: `${where} must be ${error.keyword === "maximum" ? "at most" : "less than"} ${String(params.limit)}, not ${JSON.stringify(error.data)}` };
    case "uniqueItems":
      return { path: [...path, Number(params.i)], id: "duplicate-item", message: `${where} lists ${show(valueAt(ctx.doc, [...path, Number(params.i)]))} twice; remove one` };
    case "oneOf": {
      const choices = ((error.schema as unknown[]) ?? []).map(requiredKeys);
      if (choices.every((keys) => keys.length === 1)) {
        const names = choices.map((keys) => keys[0]!);
        const given = names.filter((name) => valueAt(ctx.doc, [...path, name]) !== undefined);
        return {
          path,
          atKey: typeof path[path.length - 1] === "string",
          id: "one-of",
          message: given.length > 1
            ? `${where} gives ${given.join(" and ")}; give exactly one of them`
            : `${where} needs exactly one of ${names.join(" or ")}${exampleOf(path, names, ctx)}`,
        };
      }
      return { path, id: "one-of", message: `${where} must match exactly one of the allowed forms` };
    }
    case "anyOf": {
      const branches = (error.schema as Array<{ type?: string; items?: { type?: string } }>) ?? [];
      const forms = branches.map((b) => (b.type === "array" && b.items?.type ? `a list of ${b.items.type}s` : b.type ? TYPE_WORDS[b.type] ?? b.type : undefined));
      return forms.every(Boolean)
        ? { path, id: "wrong-type", message: `${where} must be ${forms.slice(0, -1).join(", ")} or ${forms.at(-1)}, not ${Array.isArray(error.data) && forms.some((f) => f!.startsWith("a list")) ? "a list holding other values" : show(error.data)}` }
        : { path, id: "bad-value", message: `${where} does not match any of the allowed forms` };
    }
    case "propertyNames":
      return undefined;
    default:
      return { path, id: `schema-${error.keyword.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, message: `${where} ${error.message ?? "is invalid"}` };
  }
}

/** An error raised for a key under propertyNames: reported at the key, with what a name may hold. */
function keyNameProblem(error: ErrorObject & { propertyName?: string }): RawProblem {
  const path = pointerToPath(error.instancePath);
  const key = error.propertyName ?? "";
  const isVar = path.length === 1 && path[0] === "vars";
  const pattern = String((error.params as { pattern?: string }).pattern ?? "");
  return {
    path: [...path, key],
    atKey: true,
    id: "bad-name",
    message: isVar
      ? `var name "${key}" must be letters, digits and _, not starting with a digit (it is read as $${key.replace(/[^A-Za-z0-9_]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())})`
      : `key "${key}" in ${describePath(path)} is not a valid name${pattern ? ` (expected ${pattern})` : ""}`,
  };
}

/**
 * Every schema problem of a document, one per mistake: template and if/then noise dropped,
 * the branches of a oneOf folded into one problem, duplicates removed.
 *
 * @example
 * schemaProblems(assemblePolicySchema(registry), { apiVersion: "caretaker/v1" }, registry)
 * // [{ path: [], id: "missing-key", wants: ["name"], ... }, ...]
 */
export function schemaProblems(schema: Record<string, unknown>, value: unknown, registry?: ActionRegistry): RawProblem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // A oneOf or anyOf is one question ("which form is this?"): its branches' errors fold into it.
  const folded = errors.filter((e) => (e.keyword === "oneOf" || e.keyword === "anyOf") && !isNoise(e));
  const isFolded = (error: ErrorObject) =>
    folded.some((f) => f !== error && error.schemaPath.startsWith(`${f.schemaPath}/`) && (error.instancePath === f.instancePath || error.instancePath.startsWith(`${f.instancePath}/`)));
  const seen = new Set<string>();
  const problems: RawProblem[] = [];
  for (const error of errors) {
    if (isNoise(error)) continue;
    if (isFolded(error)) continue;
    const problem = "propertyName" in error ? keyNameProblem(error) : toProblem(error, { doc: value, registry });
    if (!problem) continue;
    const key = `${JSON.stringify(problem.path)}|${problem.id}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
