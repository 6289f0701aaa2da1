import type { ActionRegistry } from "../action-contract.ts";
import { coreSchema, TEMPLATE_PATTERN } from "./core-schema.ts";

type Schema = Record<string, unknown>;

const templateString = { type: "string", pattern: TEMPLATE_PATTERN, description: "A {% JSONata %} template, evaluated at run time." };

/** Lets a `{% %}` template stand wherever the action's schema expects a value. */
export function allowTemplates(schema: Schema): Schema {
  const out: Schema = { ...schema };
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, allowTemplates(value)]));
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.additionalProperties = allowTemplates(schema.additionalProperties as Schema);
  }
  if (schema.items && typeof schema.items === "object") out.items = allowTemplates(schema.items as Schema);
  const isPlainString = schema.type === "string" && !schema.pattern && !schema.enum && !schema.format && !schema.maxLength;
  if (isPlainString) return out;
  return { anyOf: [out, templateString] };
}

/**
 * The published policy schema: the core format plus, per action type, its `with` schema.
 * Pure: the registry is handed in, so the engine never imports a concrete action.
 *
 * @example
 * writeFileSync("schema/policy.schema.json", JSON.stringify(assemblePolicySchema(registry), null, 2));
 */
export function assemblePolicySchema(registry: ActionRegistry): Schema {
  const types = [...registry.keys()].sort();
  const step = coreSchema.$defs.step;
  const perType = types.map((type) => {
    const action = registry.get(type)!;
    const params = action.meta.params as Schema;
    return {
      if: { properties: { type: { const: type } }, required: ["type"] },
      then: { properties: { with: { ...allowTemplates(params), description: action.meta.description } } },
    };
  });
  return {
    ...coreSchema,
    $defs: {
      step: {
        ...step,
        properties: { ...step.properties, type: { enum: types, description: "The action to run." } },
        allOf: perType,
      },
    },
  };
}
