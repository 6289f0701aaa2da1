import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registry } from "../actions/index.ts";
import { loadPoliciesOrThrow } from "../engine/policy/load.ts";
import { assembleTemplate, renderTemplate } from "./template.ts";

// Regenerates deploy/template.yml for the example policies (the test fails when it is stale).
const root = fileURLToPath(new URL("..", import.meta.url));
const policies = loadPoliciesOrThrow([`${root}policies`], registry, root);
writeFileSync(`${root}deploy/template.yml`, renderTemplate(assembleTemplate(policies, registry)));
process.stdout.write("wrote deploy/template.yml\n");
