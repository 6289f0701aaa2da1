/** The parts of the policy format that do not depend on the action registry. */

export const SCHEMA_ID = "https://caretaker.dev/schema/policy.schema.json";
export const POLICY_NAME_PATTERN = "^[a-z][a-z0-9-]*$";
/** 64 (EventBridge rule name limit) minus the default prefix `caretaker-`. */
export const POLICY_NAME_MAX = 54;
export const STEP_ID_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
export const ENV_NAME_PATTERN = "^(?!AWS_)[A-Z_][A-Z0-9_]*$";
export const TEMPLATE_PATTERN = "\\{%[\\s\\S]*%\\}";

const jsonataText = { type: "string", minLength: 1, description: "A JSONata expression; the input `$` is the event." } as const;

export const coreSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: SCHEMA_ID,
  title: "Caretaker policy",
  type: "object",
  required: ["apiVersion", "name", "trigger", "actions"],
  additionalProperties: false,
  properties: {
    apiVersion: { const: "caretaker/v1", description: "The file format's version." },
    name: { type: "string", pattern: POLICY_NAME_PATTERN, maxLength: POLICY_NAME_MAX, description: "Unique policy name, kebab-case." },
    description: { type: "string" },
    mode: { enum: ["live", "dry-run"], default: "live", description: "dry-run: deployed, but only plans are logged." },
    enabled: { type: "boolean", default: true },
    trigger: {
      type: "object",
      additionalProperties: false,
      properties: {
        event: { type: "object", description: "An EventBridge event pattern, exactly as EventBridge accepts it." },
        bus: { type: "string", minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9/._-]+$", description: "Event bus name; event triggers only." },
        schedule: { type: "string", description: "cron(...) or rate(...), EventBridge syntax, UTC." },
      },
    },
    filter: jsonataText,
    env: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", pattern: ENV_NAME_PATTERN },
      description: "Environment variables the policy may read as $env.NAME (never AWS_*).",
    },
    vars: {
      type: "object",
      propertyNames: { pattern: STEP_ID_PATTERN },
      additionalProperties: jsonataText,
      description: "JSONata, evaluated in order, each bound as $<name>.",
    },
    limits: {
      type: "object",
      additionalProperties: false,
      properties: { "max-resources": { type: "integer", minimum: 1, default: 1000 } },
    },
    actions: { type: "array", minItems: 1, items: { $ref: "#/$defs/step" } },
    tests: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "expect"],
        additionalProperties: false,
        properties: {
          name: { type: "string", minLength: 1 },
          event: { type: "object" },
          at: { type: "string", format: "date-time" },
          env: { type: "object", additionalProperties: { type: "string" } },
          expect: {
            type: "object",
            required: ["triggered"],
            additionalProperties: false,
            properties: { triggered: { type: "boolean" }, vars: { type: "object" } },
          },
        },
      },
    },
  },
  $defs: {
    step: {
      type: "object",
      required: ["type"],
      additionalProperties: false,
      properties: {
        type: { type: "string" },
        id: { type: "string", pattern: STEP_ID_PATTERN },
        if: jsonataText,
        "on-error": { enum: ["stop", "continue"], default: "stop" },
        with: { type: "object" },
      },
    },
  },
} as const;
