/**
 * A name as a literal inside an IAM resource: IAM reads `*`, `?` and `$` there as wildcards or
 * variables, and group names or S3 keys may contain them.
 *
 * @example
 * iamLiteral("a*b"); // "a${*}b"
 */
export function iamLiteral(value: string): string {
  return value.replace(/[*?$]/g, (ch) => `\${${ch}}`);
}
