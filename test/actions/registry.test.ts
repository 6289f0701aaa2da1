import { readdirSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { registry } from "../../actions/index.ts";

const ajv = new Ajv2020({ strict: false });
const files = readdirSync(new URL("../../actions/", import.meta.url)).filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.startsWith("_"));
const context = { partition: "aws", region: "us-east-1", account: "123456789012" };

describe("action registry", () => {
  it("holds exactly one action per file under actions/, each type equal to its file name", () => {
    expect([...registry.keys()].sort()).toEqual(files.map((f) => f.replace(/\.ts$/, "")).sort());
  });

  for (const [type, action] of registry) {
    describe(type, () => {
      it("is kebab-case and described", () => {
        expect(type).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(action.meta.description.length).toBeGreaterThan(10);
      });
      it("has an example that its own params schema accepts", () => {
        const validate = ajv.compile(action.meta.params);
        expect(validate(structuredClone(action.meta.example)), JSON.stringify(validate.errors)).toBe(true);
      });
      it("declares IAM permissions for its example, never a * action", () => {
        const grants = action.meta.permissions(action.meta.example as never, context);
        if (action.meta.kind === "write") expect(grants.length).toBeGreaterThan(0);
        for (const grant of grants) {
          expect(grant.actions.length).toBeGreaterThan(0);
          for (const name of grant.actions) expect(name).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
          expect(grant.resources.length).toBeGreaterThan(0);
        }
      });
    });
  }
});
