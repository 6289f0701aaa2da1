import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { DocPath } from "./types.ts";
import type { RawProblem } from "./yaml-source.ts";
import { didYouMean } from "./suggest.ts";

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

function describePath(path: DocPath): string {
  return path.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : out ? `${out}.${s}` : s), "") || "the policy";
}

// A `{% %}` template is offered as the second branch of anyOf wherever a value is expected:
// its failure says nothing useful, the first branch's errors do.
function isTemplateNoise(error: ErrorObject): boolean {
  return /\/anyOf\/1\//.test(error.schemaPath) || (error.keyword === "anyOf" && /\{%/.test(JSON.stringify(error.schema)))
    || error.keyword === "if";
}

function toProblem(error: ErrorObject): RawProblem {
  const path = pointerToPath(error.instancePath);
  const where = describePath(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      return {
        path: [...path, key],
        atKey: true,
        id: "unknown-key",
        message: `unknown key "${key}" in ${where}.${didYouMean(key, known)} Allowed: ${known.join(", ")}`,
      };
    }
    case "required":
      return { path, id: "missing-key", message: `${where} is missing required key "${String(params.missingProperty)}"` };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = String(error.data);
      if (path[path.length - 1] === "type" && path[0] === "actions") {
        return { path, id: "unknown-action", message: `unknown action type "${value}".${didYouMean(value, allowed)} Known types: ${allowed.join(", ")}` };
      }
      return { path, id: "bad-value", message: `${where} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, not ${JSON.stringify(error.data)}.${didYouMean(value, allowed)}` };
    }
    case "const":
      return { path, id: "bad-value", message: `${where} must be ${JSON.stringify(params.allowedValue)}` };
    case "type":
      return { path, id: "wrong-type", message: `${where} must be ${params.type === "array" ? "a list" : params.type === "object" ? "a mapping" : `of type ${String(params.type)}`}, not ${Array.isArray(error.data) ? "a list" : error.data === null ? "null" : typeof error.data}` };
    case "pattern":
      return { path, id: "bad-format", message: `${where} ${JSON.stringify(error.data)} does not match ${String(params.pattern)}` };
    case "propertyNames":
      return { path, id: "bad-name", message: `${where} has a key that is not a valid name: ${String(params.propertyName)}` };
    default:
      return { path, id: `schema-${error.keyword}`, message: `${where} ${error.message ?? "is invalid"}` };
  }
}

/** Every schema problem of a document, with template noise and duplicates removed. */
export function schemaProblems(schema: Record<string, unknown>, value: unknown): RawProblem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const seen = new Set<string>();
  const problems: RawProblem[] = [];
  for (const error of validate.errors ?? []) {
    if (isTemplateNoise(error)) continue;
    const problem = toProblem(error);
    const key = `${JSON.stringify(problem.path)}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
