import { CFN_PLACEHOLDERS, type IamContext } from "./iam.ts";

export interface IamContextOptions {
  partition?: string;
  region?: string;
  account?: string;
  /** Name or ARN (or a `${...}` template reference to one) of the state table; default the template's `${StateTable.Arn}`. */
  stateTable?: string;
  functionName?: string;
  env?: Record<string, string>;
}

export const DEFAULT_FUNCTION_NAME = "caretaker";
/** The template's default StateTableName. */
export const DEFAULT_STATE_TABLE = "caretaker-state";

/**
 * The context the IAM policy is assembled for: concrete values where given, otherwise the
 * CloudFormation placeholders the template's `Fn::Sub` fills in.
 *
 * @example
 * iamContext({ account: "123456789012", region: "eu-west-1", stateTable: "caretaker-state" }).stateTableArn;
 * // "arn:aws:dynamodb:eu-west-1:123456789012:table/caretaker-state"
 */
export function iamContext(options: IamContextOptions = {}): IamContext {
  const partition = options.partition ?? CFN_PLACEHOLDERS.partition;
  const region = options.region ?? CFN_PLACEHOLDERS.region;
  const account = options.account ?? CFN_PLACEHOLDERS.account;
  const table = options.stateTable;
  const stateTableArn = table === undefined ? "${StateTable.Arn}" : /^(arn:|\$\{)/.test(table) ? table : `arn:${partition}:dynamodb:${region}:${account}:table/${table}`;
  const functionName = options.functionName ?? DEFAULT_FUNCTION_NAME;
  return {
    partition,
    region,
    account,
    stateTableArn,
    logGroupArn: `arn:${partition}:logs:${region}:${account}:log-group:/aws/lambda/${functionName}`,
    env: options.env,
  };
}
