import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function caretaker(args: string[]) {
  return spawnSync(process.execPath, ["bin/caretaker.js", ...args], { encoding: "utf8", env: process.env });
}

describe("the caretaker executable", () => {
  it("exits 0 on valid policies and 1 with file:line:col lines on broken ones", () => {
    const ok = caretaker(["validate"]);
    expect(ok.status).toBe(0);
    const broken = caretaker(["validate", "test/fixtures/broken"]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^test\/fixtures\/broken\/[\w-]+\.yml:\d+:\d+: /m);
  });

  it("exits 2 on a usage error", () => {
    expect(caretaker(["no-such-command"]).status).toBe(2);
    expect(caretaker([]).status).toBe(2);
  });
});
