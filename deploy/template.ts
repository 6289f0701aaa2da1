import { stringify } from "yaml";
import type { ActionRegistry } from "../engine/action-contract.ts";
import type { LoadedPolicy } from "../engine/policy/types.ts";
import { TARGET_RETRY_POLICY } from "./assemble-rules.ts";
import { assembleIamPolicy, CFN_PLACEHOLDERS, type IamContext, type IamPolicyDocument } from "./iam.ts";
import { DEFAULT_FUNCTION_NAME, DEFAULT_STATE_TABLE, iamContext } from "./iam-context.ts";
import { DEFAULT_PREFIX } from "./rule-model.ts";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const ref = (name: string): Json => ({ Ref: name });
const getAtt = (resource: string, attribute: string): Json => ({ "Fn::GetAtt": [resource, attribute] });
const sub = (text: string): Json => ({ "Fn::Sub": text });

/** Environment variables the template itself provides to the function. */
const PROVIDED_ENV: Record<string, { value: Json; iam: string }> = {
  ALERT_TOPIC_ARN: { value: ref("AlertTopic"), iam: "${AlertTopic}" },
};

/** The template parameter that holds a policy-declared environment variable: METRICS_TABLE → EnvMetricsTable. */
export function envParameterName(name: string): string {
  return `Env${name.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_m, _sep, ch: string) => ch.toUpperCase())}`;
}

/** Every `env:` name the policies declare that the template does not provide itself, sorted. */
export function declaredEnv(policies: LoadedPolicy[]): string[] {
  const names = new Set(policies.flatMap((p) => p.doc.env ?? []));
  return [...names].filter((n) => !(n in PROVIDED_ENV)).sort();
}

// Names the template's Fn::Sub may substitute; any other `${...}` (an IAM policy variable) is kept literal.
function subNames(envNames: string[]): Set<string> {
  return new Set(["AWS::Partition", "AWS::Region", "AWS::AccountId", "StateTable.Arn", "FunctionName", "AlertTopic", "FailureTopic", ...envNames.map(envParameterName)]);
}

/** A string of the IAM document as CloudFormation: Fn::Sub when it holds a placeholder, with other `${` escaped. */
function cfnString(text: string, names: Set<string>): Json {
  if (!text.includes("${")) return text;
  let substituted = false;
  const escaped = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (names.has(name)) {
      substituted = true;
      return whole;
    }
    return `\${!${name}}`;
  });
  return substituted ? sub(escaped) : text;
}

function cfnValue(value: unknown, names: Set<string>): Json {
  if (typeof value === "string") return cfnString(value, names);
  if (Array.isArray(value)) return value.map((v) => cfnValue(v, names));
  if (value && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [key, v] of Object.entries(value)) out[key] = cfnValue(v, names);
    return out;
  }
  return value as Json;
}

/**
 * The values the template gives the policies' environment variables, as `Fn::Sub` placeholders:
 * `ALERT_TOPIC_ARN` → `${AlertTopic}`, a declared `METRICS_TABLE` → `${EnvMetricsTable}`.
 */
export function templateEnvPlaceholders(policies: LoadedPolicy[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, provided] of Object.entries(PROVIDED_ENV)) env[name] = provided.iam;
  for (const name of declaredEnv(policies)) env[name] = `\${${envParameterName(name)}}`;
  return env;
}

/**
 * The IAM policy the function's role gets in the template: placeholders for account, region
 * and partition, the template's own table, log group and topics, and the policies' declared
 * environment variables as template parameters.
 */
export function templateIamPolicy(policies: LoadedPolicy[], registry: ActionRegistry): IamPolicyDocument {
  return assembleIamPolicy(policies, registry, templateIamContext(policies));
}

/** The context the template's role policy is assembled for; `overrides` replace parts of it (caretaker iam). */
export function templateIamContext(policies: LoadedPolicy[], overrides: { stateTable?: string; functionName?: string; env?: Record<string, string> } = {}): IamContext {
  const ctx = iamContext({
    ...CFN_PLACEHOLDERS,
    stateTable: overrides.stateTable ?? "${StateTable.Arn}",
    functionName: overrides.functionName ?? "${FunctionName}",
    env: { ...templateEnvPlaceholders(policies), ...overrides.env },
  });
  // Lambda publishes a failed asynchronous invocation to the failure destination with the function's role.
  ctx.extra = [{ actions: ["sns:Publish"], resources: ["${FailureTopic}"] }];
  return ctx;
}

/**
 * The CloudFormation template for the policies: function, role (generated least-privilege
 * policy), state table, log group, asynchronous invocation config with a failure destination,
 * the rules' dead-letter queue, the alert topic and EventBridge's permission to invoke.
 *
 * @example
 * writeFileSync("dist/template.yml", renderTemplate(assembleTemplate(policies, registry)));
 */
export function assembleTemplate(policies: LoadedPolicy[], registry: ActionRegistry): Record<string, Json> {
  const envNames = declaredEnv(policies);
  const names = subNames(envNames);
  const iam = cfnValue(templateIamPolicy(policies, registry), names);
  const envParameters: Record<string, Json> = {};
  for (const name of envNames) {
    envParameters[envParameterName(name)] = { Type: "String", Description: `Value of ${name}, which the policies declare in env:` };
  }
  const environment: Record<string, Json> = {
    CARETAKER_STATE_TABLE: ref("StateTable"),
    NODE_OPTIONS: "--enable-source-maps",
    POWERTOOLS_SERVICE_NAME: "caretaker",
  };
  for (const [name, provided] of Object.entries(PROVIDED_ENV)) environment[name] = provided.value;
  for (const name of envNames) environment[name] = ref(envParameterName(name));
  const ruleArns = [
    sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${RulePrefix}*"),
    sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*/${RulePrefix}*"),
  ];

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "Caretaker: one Lambda that runs the ops policies, its least-privilege role, state table, failure destination and dead-letter queue.",
    Parameters: {
      FunctionName: { Type: "String", Default: DEFAULT_FUNCTION_NAME, AllowedPattern: "^[A-Za-z0-9_-]{1,64}$", Description: "Name of the engine function (and its log group)." },
      CodeBucket: { Type: "String", Description: "S3 bucket holding the bundle (dist/caretaker-lambda.zip)." },
      CodeKey: { Type: "String", Description: "S3 key of the bundle; use a new key per build so the stack sees the change." },
      RulePrefix: { Type: "String", Default: DEFAULT_PREFIX, AllowedPattern: "^[.A-Za-z0-9_-]+$", Description: "sync-rules' --prefix: EventBridge may invoke the function only from rules named with it." },
      StateTableName: { Type: "String", Default: DEFAULT_STATE_TABLE, Description: "DynamoDB table for exactly-once run state." },
      AlertTopicName: { Type: "String", Default: "caretaker-alerts", Description: "SNS topic the policies notify (ALERT_TOPIC_ARN)." },
      MemorySize: { Type: "Number", Default: 512, MinValue: 128, MaxValue: 10240 },
      Timeout: { Type: "Number", Default: 300, MinValue: 1, MaxValue: 900, Description: "Seconds; archive-table streams whole tables." },
      LogRetentionInDays: { Type: "Number", Default: 30, AllowedValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] },
      MaximumEventAgeInSeconds: { Type: "Number", Default: TARGET_RETRY_POLICY.MaximumEventAgeInSeconds, MinValue: 60, MaxValue: 21600, Description: "How long Lambda retries a failed asynchronous invocation before the failure destination." },
      ...envParameters,
    },
    Resources: {
      StateTable: {
        Type: "AWS::DynamoDB::Table",
        // Run state only guards against duplicate deliveries for a week (TTL); nothing to keep.
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: {
          TableName: ref("StateTableName"),
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
          SSESpecification: { SSEEnabled: true },
          Tags: [{ Key: "caretaker:managed", Value: "true" }],
        },
      },
      LogGroup: {
        Type: "AWS::Logs::LogGroup",
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: { LogGroupName: sub("/aws/lambda/${FunctionName}"), RetentionInDays: ref("LogRetentionInDays") },
      },
      AlertTopic: {
        Type: "AWS::SNS::Topic",
        Properties: { TopicName: ref("AlertTopicName"), Tags: [{ Key: "caretaker:managed", Value: "true" }] },
      },
      FailureTopic: {
        Type: "AWS::SNS::Topic",
        Properties: { TopicName: sub("${FunctionName}-failures"), Tags: [{ Key: "caretaker:managed", Value: "true" }] },
      },
      DeadLetterQueue: {
        Type: "AWS::SQS::Queue",
        Properties: {
          QueueName: sub("${FunctionName}-rules-dlq"),
          MessageRetentionPeriod: 1209600,
          SqsManagedSseEnabled: true,
          Tags: [{ Key: "caretaker:managed", Value: "true" }],
        },
      },
      DeadLetterQueuePolicy: {
        Type: "AWS::SQS::QueuePolicy",
        Properties: {
          Queues: [ref("DeadLetterQueue")],
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "EventBridgeRulesDeadLetters",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: getAtt("DeadLetterQueue", "Arn"),
                Condition: { ArnLike: { "aws:SourceArn": ruleArns }, StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
              },
            ],
          },
        },
      },
      Role: {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
          },
          // Generated from the actions' permission declarations for the policies (caretaker iam).
          Policies: [{ PolicyName: "caretaker-policies", PolicyDocument: iam }],
          Tags: [{ Key: "caretaker:managed", Value: "true" }],
        },
      },
      Function: {
        Type: "AWS::Lambda::Function",
        Properties: {
          FunctionName: ref("FunctionName"),
          Description: "Caretaker engine: runs the ops policies EventBridge rules deliver.",
          Runtime: "nodejs22.x",
          Architectures: ["arm64"],
          Handler: "index.handler",
          Code: { S3Bucket: ref("CodeBucket"), S3Key: ref("CodeKey") },
          Role: getAtt("Role", "Arn"),
          MemorySize: ref("MemorySize"),
          Timeout: ref("Timeout"),
          LoggingConfig: { LogGroup: ref("LogGroup") },
          Environment: { Variables: environment },
          Tags: [{ Key: "caretaker:managed", Value: "true" }],
        },
      },
      AsyncInvokeConfig: {
        Type: "AWS::Lambda::EventInvokeConfig",
        Properties: {
          FunctionName: ref("Function"),
          Qualifier: "$LATEST",
          MaximumRetryAttempts: 2,
          MaximumEventAgeInSeconds: ref("MaximumEventAgeInSeconds"),
          DestinationConfig: { OnFailure: { Destination: ref("FailureTopic") } },
        },
      },
      InvokeFromDefaultBusRules: {
        Type: "AWS::Lambda::Permission",
        Properties: { FunctionName: ref("Function"), Action: "lambda:InvokeFunction", Principal: "events.amazonaws.com", SourceAccount: ref("AWS::AccountId"), SourceArn: ruleArns[0]! },
      },
      InvokeFromCustomBusRules: {
        Type: "AWS::Lambda::Permission",
        Properties: { FunctionName: ref("Function"), Action: "lambda:InvokeFunction", Principal: "events.amazonaws.com", SourceAccount: ref("AWS::AccountId"), SourceArn: ruleArns[1]! },
      },
    },
    Outputs: {
      FunctionArn: { Description: "sync-rules --target (CARETAKER_TARGET_ARN)", Value: getAtt("Function", "Arn") },
      DeadLetterQueueArn: { Description: "CARETAKER_DLQ_ARN for sync-rules", Value: getAtt("DeadLetterQueue", "Arn") },
      AlertTopicArn: { Description: "Subscribe to receive the policies' notifications", Value: ref("AlertTopic") },
      FailureTopicArn: { Description: "Subscribe to receive failed runs", Value: ref("FailureTopic") },
      StateTableName: { Value: ref("StateTable") },
    },
  };
}

export const TEMPLATE_HEADER = [
  "# Generated by `caretaker build` (dist/template.yml) from the policies; this copy is for",
  "# the example policies in policies/ and is checked by test/deploy/template.test.ts.",
  "# Regenerate it with: node bin/run-ts.js deploy/write-template.ts",
  "# The role's policy comes from the actions' permission declarations: do not edit it by hand.",
].join("\n");

/** The template as YAML, long-form intrinsic functions, with the generated-file header. */
export function renderTemplate(template: Record<string, Json>): string {
  return `${TEMPLATE_HEADER}\n${stringify(template, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
