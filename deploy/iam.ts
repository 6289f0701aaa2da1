import type { ActionRegistry, PermissionContext, PermissionGrant } from "../engine/action-contract.ts";
import { DeployError } from "../engine/errors.ts";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import { canonicalJson } from "./rule-model.ts";

/** One statement of an IAM policy document. */
export interface IamStatement {
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

export interface IamContext extends PermissionContext {
  /** ARN of the DynamoDB table that holds run state (CARETAKER_STATE_TABLE). */
  stateTableArn: string;
  /** ARN of the function's log group. */
  logGroupArn: string;
  /** Known values of environment variables; a parameter that is exactly `{% $env.NAME %}` takes it. */
  env?: Record<string, string>;
  /** Further grants of the deployment (e.g. the failure destination), merged like the rest. */
  extra?: PermissionGrant[];
}

/**
 * CloudFormation placeholders, so a document printed with them pastes into the template's
 * `Fn::Sub`.
 */
export const CFN_PLACEHOLDERS = { partition: "${AWS::Partition}", region: "${AWS::Region}", account: "${AWS::AccountId}" } as const;

/** What the engine itself needs: run state in DynamoDB (claims, step results) and its logs. */
export function engineGrants(ctx: IamContext): PermissionGrant[] {
  return [
    { actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [ctx.stateTableArn] },
    // The log group exists (the template creates it with a retention), so creating it is not needed.
    { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${ctx.logGroupArn}:*`] },
  ];
}

const ENV_ONLY = /^\{%\s*\$env\.([A-Za-z_][A-Za-z0-9_]*)\s*%\}$/;

/**
 * The step's `with` as the permission declarations see it: literals as written, a value that
 * holds a `{% %}` template is undefined (known only at run time), unless it is exactly
 * `{% $env.NAME %}` and the deployment knows NAME.
 *
 * @example
 * staticParams({ topic: "{% $env.ALERT_TOPIC_ARN %}", subject: "hi {% $x %}" }, { ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:1:alerts" });
 * // { topic: "arn:aws:sns:us-east-1:1:alerts", subject: undefined }
 */
export function staticParams(params: Record<string, unknown> | undefined, env: Record<string, string> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (typeof value === "string" && value.includes("{%")) {
      const name = ENV_ONLY.exec(value)?.[1];
      out[key] = name !== undefined && env[name] !== undefined ? env[name] : undefined;
    } else out[key] = value;
  }
  return out;
}

// Access levels that change nothing, by IAM action name.
const READ_VERBS = /^(Describe|Get|List|Head|Scan|Query|BatchGet|Select)/;

function isRead(action: string): boolean {
  return READ_VERBS.test(action.split(":")[1] ?? "");
}

/** Every way a grant breaks the house rules: a wildcard action, or a write on `*` without a condition. */
function grantProblems(grant: PermissionGrant, source: string): string[] {
  const problems: string[] = [];
  for (const action of grant.actions) {
    if (action.includes("*") || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) problems.push(`${source}: "${action}" is not one IAM action; wildcard actions are never granted`);
  }
  const unconditioned = !grant.conditions || Object.keys(grant.conditions).length === 0;
  if (grant.resources.includes("*") && unconditioned) {
    for (const action of grant.actions.filter((a) => !isRead(a))) {
      problems.push(`${source}: ${action} on Resource "*" without a condition; scope it to resource ARNs or condition it`);
    }
  }
  return problems;
}

function mergeBy(grants: PermissionGrant[], key: (g: PermissionGrant) => string, merge: (into: PermissionGrant, g: PermissionGrant) => void): PermissionGrant[] {
  const byKey = new Map<string, PermissionGrant>();
  for (const grant of grants) {
    const k = key(grant);
    const into = byKey.get(k);
    if (into) merge(into, grant);
    else byKey.set(k, { actions: [...grant.actions], resources: [...grant.resources], ...(grant.conditions ? { conditions: grant.conditions } : {}) });
  }
  return [...byKey.values()];
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
const conditionKey = (g: PermissionGrant) => canonicalJson(g.conditions ?? {});

/**
 * Merges grants into few statements: same resources and conditions → one statement with the
 * union of actions; then same actions and conditions → one with the union of resources.
 * A resource `*` absorbs the others of its statement. Sorted, so the output is stable.
 */
export function mergeGrants(grants: PermissionGrant[]): IamStatement[] {
  const normalized = grants.map((g) => ({ ...g, actions: union(g.actions, []), resources: g.resources.includes("*") ? ["*"] : union(g.resources, []) }));
  const byResources = mergeBy(normalized, (g) => `${canonicalJson(g.resources)}|${conditionKey(g)}`, (into, g) => (into.actions = union(into.actions, g.actions)));
  const byActions = mergeBy(byResources, (g) => `${canonicalJson(g.actions)}|${conditionKey(g)}`, (into, g) => (into.resources = union(into.resources, g.resources)));
  const statements = byActions.map((g): IamStatement => ({
    Effect: "Allow",
    Action: g.actions,
    Resource: g.resources.includes("*") ? ["*"] : g.resources,
    ...(g.conditions && Object.keys(g.conditions).length ? { Condition: g.conditions } : {}),
  }));
  return statements.sort((a, b) => canonicalJson([a.Action, a.Resource, a.Condition ?? {}]).localeCompare(canonicalJson([b.Action, b.Resource, b.Condition ?? {}])));
}

/** The actions each policy uses, for the summary: `type` → policy names. */
export function usedActions(policies: LoadedPolicy[]): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const policy of policies) {
    for (const step of policy.doc.actions) {
      const names = used.get(step.type) ?? [];
      if (!names.includes(policy.doc.name)) names.push(policy.doc.name);
      used.set(step.type, names);
    }
  }
  return used;
}

/**
 * The least-privilege IAM policy for running the policies: the union of the permissions each
 * used action declares for its step's static parameters, plus the engine's own (state table,
 * logs). Pure.
 *
 * @throws DeployError when a declaration grants a wildcard action or a write on `*` without a condition.
 * @example
 * const doc = assembleIamPolicy(policies, registry, {
 *   ...CFN_PLACEHOLDERS,
 *   stateTableArn: "${StateTable.Arn}",
 *   logGroupArn: "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/caretaker",
 * });
 */
export function assembleIamPolicy(policies: LoadedPolicy[], registry: ActionRegistry, ctx: IamContext): IamPolicyDocument {
  const grants: PermissionGrant[] = [];
  const problems: string[] = [];
  const permissionCtx: PermissionContext = { partition: ctx.partition, region: ctx.region, account: ctx.account };
  for (const policy of policies) {
    policy.doc.actions.forEach((step, index) => {
      const action = registry.get(step.type);
      const source = `${policy.file}: actions[${index}] (${step.type})`;
      if (!action) {
        problems.push(`${source}: no action of this type is registered`);
        return;
      }
      const stepGrants = action.meta.permissions(staticParams(step.with, ctx.env) as never, permissionCtx);
      problems.push(...stepGrants.flatMap((g) => grantProblems(g, source)));
      grants.push(...stepGrants);
    });
  }
  const own = [...engineGrants(ctx), ...(ctx.extra ?? [])];
  problems.push(...own.flatMap((g) => grantProblems(g, "caretaker engine")));
  if (problems.length) throw new DeployError(`the IAM policy would be too broad:\n${problems.join("\n")}`);
  return { Version: "2012-10-17", Statement: mergeGrants([...grants, ...own]) };
}

/** The readable form: one paragraph per statement. */
export function formatIamPolicy(doc: IamPolicyDocument): string[] {
  const lines: string[] = [];
  for (const statement of doc.Statement) {
    lines.push(`allow ${statement.Action.join(", ")}`);
    for (const resource of statement.Resource) lines.push(`  on ${resource}`);
    for (const [operator, pairs] of Object.entries(statement.Condition ?? {})) {
      for (const [key, value] of Object.entries(pairs)) lines.push(`  when ${key} ${operator} ${Array.isArray(value) ? value.join(" | ") : value}`);
    }
  }
  return lines;
}
