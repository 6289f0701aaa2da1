import type { FromSchema, JSONSchema } from "json-schema-to-ts";
import type { Clients } from "./clients.ts";

/** Static facts the IAM generator hands to an action's permission declaration. */
export interface PermissionContext {
  partition: string;
  region: string;
  account: string;
}

/** One IAM statement's worth of access. */
export interface PermissionGrant {
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string | string[]>>;
}

/**
 * A parameter value as the IAM generator sees it: the literal when the policy gives one,
 * `undefined` when it is a `{% %}` template known only at run time.
 */
export type StaticParams<P> = { [K in keyof P]?: P[K] | undefined };

/** Param type of a schema. if/then/else and not are checked at run time by ajv, not typed (they blow up the type checker). */
export type ParamsOf<S extends JSONSchema> = FromSchema<S, { parseNotKeyword: false; parseIfThenElseKeywords: false }>;

export interface ActionMeta<S extends JSONSchema, P = ParamsOf<S>> {
  /** kebab-case; equals the file name under actions/. */
  type: string;
  description: string;
  kind: "read" | "write";
  /** JSON Schema of `with`; the TypeScript type of the params is derived from it. */
  params: S;
  /** Least-privilege access for the given (static) params. */
  permissions(params: StaticParams<P>, ctx: PermissionContext): PermissionGrant[];
  /** A sample `with` block shown in docs and checked by meta-tests. */
  example: Record<string, unknown>;
  /**
   * Params whose value is a JSONata expression the action evaluates itself (with ctx.evaluate),
   * such as archive-table's `where`: `caretaker validate` checks them like `filter` and `if`.
   */
  expressions?: readonly string[];
}

/** A log sink for actions: structured, one record per call. */
export interface ActionLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** What an action gets besides its params. Actions never learn whether the run is a dry run. */
export interface ActionContext {
  clients: Clients;
  policy: { name: string; version: string };
  event: { id: string; time: string };
  /** `$now`: the event's time. */
  now: Date;
  /** The caretaker tags every created resource must carry (managed, policy, version, event-id). */
  tags: Record<string, string>;
  /** limits.max-resources of the policy. */
  maxResources: number;
  /** Throws LimitError when `count` exceeds max-resources; call before changing anything. */
  assertWithinLimit(count: number, what: string): void;
  log: ActionLogger;
  /**
   * Records a decision before a side effect that is not idempotent by itself (scale by +2):
   * the first attempt's value is kept in the run's state and returned to every retry.
   * Dry runs and runs without state just return the value.
   */
  remember<T>(value: T): Promise<T>;
  /**
   * Evaluates a JSONata expression of the policy (such as archive-table's `where`) on `input`,
   * with the run's bindings ($now, $ago, $env, $steps, vars) and the same time, depth and size
   * bounds as every policy expression. Throws ExpressionError.
   */
  evaluate(expression: string, input: unknown): Promise<unknown>;
  /** Progress of long work; quiet unless the CLI is on a terminal. */
  progress(done: number, total: number | undefined, what: string): void;
}

export type ActionOutput = Record<string, unknown>;

export interface ActionDefinition<S extends JSONSchema = JSONSchema, P = ParamsOf<S>> {
  meta: ActionMeta<S, P>;
  run(params: P, ctx: ActionContext): Promise<ActionOutput>;
}

/** An action with its param type erased, as the registry holds it. */
export interface AnyAction {
  meta: ActionMeta<JSONSchema, Record<string, unknown>> & { params: Record<string, unknown> };
  run(params: never, ctx: ActionContext): Promise<ActionOutput>;
}

export type ActionRegistry = ReadonlyMap<string, AnyAction>;

/**
 * Declares an action. The params type comes from `meta.params`, so the schema is written once.
 *
 * @example
 * export default defineAction({
 *   meta: { type: "notify", description: "...", kind: "write", params: { type: "object", ... } as const,
 *           permissions: (p, ctx) => [...], example: { topic: "arn:..." } },
 *   async run(params, ctx) { ... },
 * });
 */
export function defineAction<const S extends JSONSchema, P = ParamsOf<S>>(definition: ActionDefinition<S, P>): AnyAction {
  return definition as unknown as AnyAction;
}

export function createRegistry(actions: AnyAction[]): ActionRegistry {
  const registry = new Map<string, AnyAction>();
  for (const action of actions) registry.set(action.meta.type, action);
  return registry;
}
