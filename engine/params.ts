import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { AnyAction } from "./action-contract.ts";
import { ExpressionError } from "./errors.ts";

const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true });
const validators = new WeakMap<AnyAction, ValidateFunction>();

/**
 * Checks rendered params against the action's own schema (filling defaults). A template that
 * yielded nothing for a required parameter is reported by name.
 */
export function checkRenderedParams(action: AnyAction, params: Record<string, unknown>, where: { policy: string; step: number }): Record<string, unknown> {
  let validate = validators.get(action);
  if (!validate) {
    validate = ajv.compile(action.meta.params);
    validators.set(action, validate);
  }
  if (validate(params)) return params;
  const messages = (validate.errors ?? []).map((e) => {
    if (e.keyword === "required") return `parameter "${String((e.params as { missingProperty: string }).missingProperty)}" is required but its template yielded nothing`;
    const param = e.instancePath.slice(1).replace(/\//g, ".") || "with";
    return `parameter "${param}" ${e.message ?? "is invalid"} (got ${JSON.stringify(e.data ?? null)?.slice(0, 80)})`;
  });
  throw new ExpressionError(`policy ${where.policy}, step ${where.step} (${action.meta.type}): ${messages.join("; ")}`, where);
}
