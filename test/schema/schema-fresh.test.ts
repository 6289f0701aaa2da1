import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { policySchemaText } from "../../schema/generate.ts";

describe("schema/policy.schema.json", () => {
  it("equals the schema generated from the core format and every action's params (run npm run gen-schema)", () => {
    const checkedIn = readFileSync(new URL("../../schema/policy.schema.json", import.meta.url), "utf8");
    expect(checkedIn).toBe(policySchemaText());
  });
});
