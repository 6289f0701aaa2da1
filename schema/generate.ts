import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registry } from "../actions/index.ts";
import { assemblePolicySchema } from "../engine/policy/schema.ts";

/** The published schema's text, exactly as checked in. */
export function policySchemaText(): string {
  return `${JSON.stringify(assemblePolicySchema(registry), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL("./policy.schema.json", import.meta.url));
  writeFileSync(target, policySchemaText());
  process.stdout.write(`wrote ${target}\n`);
}
