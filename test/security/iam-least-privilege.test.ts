import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { registry } from "../../actions/index.ts";
import { assembleIamPolicy, type IamPolicyDocument, type IamStatement } from "../../deploy/iam.ts";
import { iamContext } from "../../deploy/iam-context.ts";
import { loadPoliciesOrThrow, loadPolicyText } from "../../engine/policy/load.ts";
import type { LoadedPolicy } from "../../engine/policy/types.ts";

const ACCOUNT = "123456789012";
const ctx = iamContext({
  partition: "aws", region: "us-east-1", account: ACCOUNT, stateTable: "caretaker-state",
  env: { ALERT_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:caretaker-alerts`, METRICS_TABLE: "caretaker-metrics", ARCHIVE_BUCKET: "caretaker-archive" },
});
const policies = loadPoliciesOrThrow(["policies"], registry);
const document = assembleIamPolicy(policies, registry, ctx);

/** A request as IAM sees it: the action, the resource ARN and the tags the resource carries. */
interface Request {
  action: string;
  resource: string;
  resourceTags?: Record<string, string>;
  requestTags?: Record<string, string>;
  context?: Record<string, string>;
}

// IAM's `${*}`, `${?}`, `${$}` are the literal characters; `*` and `?` are wildcards.
function globToRegExp(pattern: string, ignoreCase = false): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const literal = /^\$\{([*?$])\}/.exec(pattern.slice(i));
    if (literal) {
      out += `\\${literal[1]}`;
      i += 3;
    } else if (pattern[i] === "*") out += ".*";
    else if (pattern[i] === "?") out += ".";
    else out += pattern[i]!.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${out}$`, ignoreCase ? "i" : "");
}

function contextValue(request: Request, key: string): string | undefined {
  const resourceTag = /^aws:ResourceTag\/(.+)$/.exec(key);
  if (resourceTag) return request.resourceTags?.[resourceTag[1]!];
  const requestTag = /^aws:RequestTag\/(.+)$/.exec(key);
  if (requestTag) return request.requestTags?.[requestTag[1]!];
  return request.context?.[key];
}

/** The condition operators the generator may emit; any other fails closed (denies). */
function conditionHolds(operator: string, pairs: Record<string, string | string[]>, request: Request): boolean {
  return Object.entries(pairs).every(([key, expected]) => {
    const actual = contextValue(request, key);
    // A missing key fails every non-IfExists string operator, as in IAM.
    if (actual === undefined) return false;
    const values = Array.isArray(expected) ? expected : [expected];
    if (operator === "StringEquals") return values.includes(actual);
    if (operator === "StringLike") return values.some((v) => globToRegExp(v).test(actual));
    return false;
  });
}

function statementAllows(statement: IamStatement, request: Request): boolean {
  // IAM matches action names case-insensitively, resources case-sensitively.
  if (!statement.Action.some((a) => globToRegExp(a, true).test(request.action))) return false;
  if (!statement.Resource.some((r) => globToRegExp(r).test(request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, pairs]) => conditionHolds(operator, pairs, request));
}

/**
 * Allow-only documents (the generator emits no Deny): a request is allowed when some statement
 * allows it, denied otherwise (implicit deny).
 *
 * @example
 * isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: "arn:aws:ec2:us-east-1::snapshot/snap-1", resourceTags: {} }) // false
 */
function isAllowed(doc: IamPolicyDocument, request: Request): boolean {
  return doc.Statement.some((s) => s.Effect === "Allow" && statementAllows(s, request));
}

const READ = /^[a-z0-9-]+:(Describe|Get|List|Head|Scan|Query|BatchGet|Select)/;
const DESTRUCTIVE = /^[a-z0-9-]+:(Delete|Terminate|Remove|Deregister|Detach|Disable|Revoke|Abort)/;

describe("the evaluator itself", () => {
  it("allows what a plain statement grants and honours wildcards, literals and conditions", () => {
    const doc: IamPolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["ec2:DescribeSnapshots"], Resource: ["*"] },
        { Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::b/logs/${*}x*"] },
        { Effect: "Allow", Action: ["ec2:DeleteSnapshot"], Resource: ["arn:aws:ec2:us-east-1::snapshot/*"], Condition: { StringLike: { "aws:ResourceTag/team": "o*" } } },
      ],
    };
    expect(isAllowed(doc, { action: "ec2:describesnapshots", resource: "arn:anything" })).toBe(true);
    expect(isAllowed(doc, { action: "s3:PutObject", resource: "arn:aws:s3:::b/logs/*x1" })).toBe(true);
    expect(isAllowed(doc, { action: "s3:PutObject", resource: "arn:aws:s3:::b/logs/ax1" })).toBe(false);
    expect(isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: "arn:aws:ec2:us-east-1::snapshot/snap-1", resourceTags: { team: "ops" } })).toBe(true);
    expect(isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: "arn:aws:ec2:us-east-1::snapshot/snap-1", resourceTags: {} })).toBe(false);
  });
});

describe("the generated IAM document of the example policies", () => {
  it("grants no wildcard action", () => {
    for (const statement of document.Statement) for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  });

  it("grants no write on Resource * without a condition", () => {
    const offending = document.Statement.filter((s) => s.Resource.includes("*") && !s.Condition).flatMap((s) => s.Action.filter((a) => !READ.test(a)));
    expect(offending).toEqual([]);
  });

  it("conditions every destructive call on the tags of the policy that makes it", () => {
    const destructive = document.Statement.filter((s) => s.Action.some((a) => DESTRUCTIVE.test(a) && a !== "s3:AbortMultipartUpload"));
    expect(destructive.map((s) => s.Action).flat()).toContain("ec2:DeleteSnapshot");
    for (const statement of destructive) {
      const tagKeys = Object.values(statement.Condition ?? {}).flatMap((pairs) => Object.keys(pairs)).filter((k) => k.startsWith("aws:ResourceTag/"));
      expect(tagKeys, JSON.stringify(statement)).toEqual(expect.arrayContaining(["aws:ResourceTag/caretaker:managed", "aws:ResourceTag/caretaker:policy"]));
    }
  });

  const nightly = policies.find((p) => p.doc.name === "nightly-maintenance")!;
  const required = nightly.doc.actions.find((a) => a.type === "delete-old-snapshots")!.with!.tags as Record<string, string>;
  const snapshotArn = (id: string) => `arn:aws:ec2:us-east-1::snapshot/${id}`;

  it("allows DeleteSnapshot only on a snapshot that carries every tag the policy's delete-old-snapshots selects by", () => {
    const del = (resourceTags: Record<string, string>, resource = snapshotArn("snap-0123456789abcdef0")) => isAllowed(document, { action: "ec2:DeleteSnapshot", resource, resourceTags });
    expect(del(required)).toBe(true);
    expect(del({ ...required, Owner: "ops", Name: "x" })).toBe(true);
    for (const key of Object.keys(required)) {
      const { [key]: _dropped, ...missingOne } = required;
      expect(del(missingOne), `without ${key}`).toBe(false);
      expect(del({ ...required, [key]: `${required[key]}-not` }), `with another ${key}`).toBe(false);
      expect(del({ ...required, [key]: required[key]!.toUpperCase() }), `with ${key} in other case`).toBe(false);
    }
    expect(del({})).toBe(false);
    expect(del({ Owner: "ops" })).toBe(false);
    expect(del(required, `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-1`)).toBe(false);
    expect(isAllowed(document, { action: "ec2:DeleteVolume", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-1`, resourceTags: required })).toBe(false);
    expect(isAllowed(document, { action: "ec2:DeregisterImage", resource: "arn:aws:ec2:us-east-1::image/ami-1", resourceTags: required })).toBe(false);
  });

  it("for any tag set: DeleteSnapshot is allowed exactly when the snapshot carries every required tag with its value", () => {
    const keys = [...Object.keys(required), "Owner", "team", "caretaker:event-id"];
    const tags = fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(...Object.values(required)), fc.string({ maxLength: 6 })), { maxKeys: keys.length });
    fc.assert(
      fc.property(tags, fc.string({ minLength: 1, maxLength: 12 }).map((s) => `snap-${s}`), (resourceTags, id) => {
        const carriesAll = Object.entries(required).every(([k, v]) => resourceTags[k] === v);
        expect(isAllowed(document, { action: "ec2:DeleteSnapshot", resource: snapshotArn(id), resourceTags })).toBe(carriesAll);
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  it("a policy with its own selector tags gets a DeleteSnapshot grant conditioned on exactly those", () => {
    const custom: LoadedPolicy = loadPolicyText("custom.yml", `apiVersion: caretaker/v1
name: team-retention
trigger: { schedule: "rate(1 day)" }
actions: [{ type: delete-old-snapshots, with: { older-than: 7d, tags: { team: payments, env: prod } } }]
`, registry).policy!;
    const doc = assembleIamPolicy([custom], registry, ctx);
    const arn = snapshotArn("snap-1");
    expect(isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: arn, resourceTags: { team: "payments", env: "prod" } })).toBe(true);
    expect(isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: arn, resourceTags: { team: "payments", env: "dev" } })).toBe(false);
    expect(isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: arn, resourceTags: { team: "payments" } })).toBe(false);
    expect(isAllowed(doc, { action: "ec2:DeleteSnapshot", resource: arn, resourceTags: { "caretaker:managed": "true" } })).toBe(false);
  });

  it("CreateSnapshot makes only snapshots tagged as Caretaker's, and tags only at creation", () => {
    const snap = snapshotArn("snap-new");
    expect(isAllowed(document, { action: "ec2:CreateSnapshot", resource: snap, requestTags: { "caretaker:managed": "true" } })).toBe(true);
    expect(isAllowed(document, { action: "ec2:CreateSnapshot", resource: snap, requestTags: {} })).toBe(false);
    expect(isAllowed(document, { action: "ec2:CreateTags", resource: snap, context: { "ec2:CreateAction": "CreateSnapshot" } })).toBe(true);
    // Re-tagging an existing snapshot (e.g. to make it match a delete selector) is not allowed.
    expect(isAllowed(document, { action: "ec2:CreateTags", resource: snap, context: {} })).toBe(false);
  });

  it("the state table can be read and written but not deleted or scanned; other tables only scanned as declared", () => {
    const state = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/caretaker-state`;
    expect(isAllowed(document, { action: "dynamodb:UpdateItem", resource: state })).toBe(true);
    expect(isAllowed(document, { action: "dynamodb:DeleteTable", resource: state })).toBe(false);
    expect(isAllowed(document, { action: "dynamodb:DeleteItem", resource: state })).toBe(false);
    expect(isAllowed(document, { action: "dynamodb:Scan", resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/users` })).toBe(false);
    expect(isAllowed(document, { action: "s3:PutObject", resource: "arn:aws:s3:::another-bucket/x" })).toBe(false);
    expect(isAllowed(document, { action: "sns:Publish", resource: `arn:aws:sns:us-east-1:${ACCOUNT}:other-topic` })).toBe(false);
  });
});
