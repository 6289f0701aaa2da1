import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";

describe("caretaker test", () => {
  it("passes every test of the example policies", async () => {
    const { code, out } = await runCli(["test"]);
    expect(out.at(-1)).toMatch(/^(\d+) passed, 0 failed$/);
    expect(Number(out.at(-1)!.split(" ")[0])).toBeGreaterThanOrEqual(10);
    expect(code).toBe(0);
  });

  it("fails with the right count on a policy whose tests expect the wrong thing", async () => {
    const { code, out } = await runCli(["test", "test/fixtures/policies-wrong-test"]);
    expect(out.at(-1)).toBe("1 passed, 2 failed");
    expect(out.filter((l) => l.startsWith("FAIL"))).toHaveLength(2);
    expect(code).toBe(1);
  });
});
