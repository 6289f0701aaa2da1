import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRegistry, defineAction } from "../../engine/action-contract.ts";
import { EXIT, type CliIO } from "../../engine/cli/command.ts";
import { parseInstant, scheduleCommand } from "../../engine/cli/commands/schedule.ts";
import { PolicyError, UsageError } from "../../engine/errors.ts";

// A do-nothing action so the policies below load without depending on the real registry.
const registry = createRegistry([
  defineAction({
    meta: {
      type: "noop",
      description: "does nothing",
      kind: "read",
      params: { type: "object", additionalProperties: false, properties: {} } as const,
      permissions: () => [],
      example: {},
    },
    async run() {
      return {};
    },
  }),
]);

function fakeIO(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (line) => out.push(line), err: (line) => err.push(line), cwd, env: {}, isTTY: false };
  return { io, out, err };
}

function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "caretaker-schedule-"));
  const policies = join(dir, "policies");
  const custom = join(dir, "elsewhere");
  for (const folder of [policies, custom]) mkdirSync(folder);
  const policy = (name: string, trigger: string) =>
    `apiVersion: caretaker/v1\nname: ${name}\ntrigger:\n${trigger}\nactions:\n  - type: noop\n`;
  writeFileSync(join(policies, "nightly.yml"), policy("nightly", `  schedule: "cron(0 2 * * ? *)"`));
  writeFileSync(join(policies, "hourly.yml"), policy("hourly", `  schedule: rate(1 hour)`));
  writeFileSync(join(policies, "on-stop.yml"), policy("on-stop", `  event:\n    source: [aws.ec2]`));
  writeFileSync(join(custom, "weekly.yml"), policy("weekly", `  schedule: "cron(30 6 ? * MON *)"`));
  return dir;
}

const run = (positionals: string[], values: Record<string, string | undefined>, cwd = tmpdir()) => {
  const { io, out, err } = fakeIO(cwd);
  return { result: scheduleCommand.run({ positionals, values, io, registry }), out, err };
};

describe("caretaker schedule", () => {
  it("prints the next fire times of an expression, one ISO instant per line", async () => {
    const { result, out } = run(["cron(0 9 ? * 2#1 *)"], { after: "2026-12-03T00:00:00Z", count: "3" });
    expect(await result).toBe(EXIT.ok);
    expect(out).toEqual(["2026-12-07T09:00:00Z", "2027-01-04T09:00:00Z", "2027-02-01T09:00:00Z"]);
  });

  it("prints 5 times by default", async () => {
    const { result, out } = run(["cron(0/15 * * * ? *)"], { after: "2026-12-03T17:07:30Z" });
    expect(await result).toBe(EXIT.ok);
    expect(out).toEqual(["2026-12-03T17:15:00Z", "2026-12-03T17:30:00Z", "2026-12-03T17:45:00Z", "2026-12-03T18:00:00Z", "2026-12-03T18:15:00Z"]);
  });

  it("defaults --after to now", async () => {
    const before = Date.now();
    const { result, out } = run(["rate(1 minute)"], { count: "1" });
    expect(await result).toBe(EXIT.ok);
    const first = Date.parse(out[0]!);
    expect(first).toBeGreaterThanOrEqual(before + 60_000);
    expect(first).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("counts rate() from --after", async () => {
    const { result, out } = run(["rate(6 hours)"], { after: "2026-12-03T20:00:00Z", count: "2" });
    expect(await result).toBe(EXIT.ok);
    expect(out).toEqual(["2026-12-04T02:00:00Z", "2026-12-04T08:00:00Z"]);
  });

  it("prints fewer lines when the schedule ends, and still succeeds", async () => {
    const { result, out, err } = run(["cron(0 0 30 2 ? *)"], { after: "2026-01-01T00:00:00Z" });
    expect(await result).toBe(EXIT.ok);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
  });

  it("reads a policy's trigger.schedule from ./policies", async () => {
    const { result, out } = run(["nightly"], { after: "2026-12-31T02:00:00Z", count: "2" }, policyDir());
    expect(await result).toBe(EXIT.ok);
    expect(out).toEqual(["2027-01-01T02:00:00Z", "2027-01-02T02:00:00Z"]);
  });

  it("reads rate() policies and honours --policies", async () => {
    const dir = policyDir();
    const hourly = run(["hourly"], { after: "2026-12-03T17:00:00Z", count: "1" }, dir);
    expect(await hourly.result).toBe(EXIT.ok);
    expect(hourly.out).toEqual(["2026-12-03T18:00:00Z"]);
    const weekly = run(["weekly"], { after: "2026-12-03T00:00:00Z", count: "2", policies: "elsewhere" }, dir);
    expect(await weekly.result).toBe(EXIT.ok);
    expect(weekly.out).toEqual(["2026-12-07T06:30:00Z", "2026-12-14T06:30:00Z"]);
  });

  it("refuses an event-triggered policy, an unknown policy and a bad expression as usage errors", async () => {
    const dir = policyDir();
    await expect(run(["on-stop"], {}, dir).result).rejects.toThrow(UsageError);
    await expect(run(["no-such-policy"], {}, dir).result).rejects.toThrow(UsageError);
    await expect(run(["Nightly"], {}, dir).result).rejects.toThrow(UsageError);
    await expect(run(["0 2 * * *"], {}).result).rejects.toThrow(UsageError);
    await expect(run(["cron(0 2 * * *)"], {}).result).rejects.toThrow(UsageError);
    await expect(run(["rate(1 hours)"], {}).result).rejects.toThrow(UsageError);
  });

  it("refuses bad arguments as usage errors", async () => {
    await expect(run([], {}).result).rejects.toThrow(UsageError);
    await expect(run(["cron(0", "2", "*", "*", "?", "*)"], {}).result).rejects.toThrow(UsageError);
    for (const count of ["0", "-1", "2.5", "five", "100001"]) {
      await expect(run(["rate(1 day)"], { count }).result).rejects.toThrow(UsageError);
    }
    for (const after of ["yesterday", "2026-02-30T00:00:00Z", "2026-12-03T24:00:00Z", "12/03/2026"]) {
      await expect(run(["rate(1 day)"], { after }).result).rejects.toThrow(UsageError);
    }
  });

  it("reports a policy folder with an invalid schedule as a policy error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caretaker-schedule-bad-"));
    mkdirSync(join(dir, "policies"));
    writeFileSync(join(dir, "policies", "broken.yml"), `apiVersion: caretaker/v1\nname: broken\ntrigger:\n  schedule: "cron(0 2 * * * *)"\nactions:\n  - type: noop\n`);
    await expect(run(["broken"], {}, dir).result).rejects.toThrow(PolicyError);
  });
});

describe("--after", () => {
  it.each([
    ["2026-12-03", "2026-12-03T00:00:00.000Z"],
    ["2026-12-03T02:00", "2026-12-03T02:00:00.000Z"],
    ["2026-12-03T02:00:30.5", "2026-12-03T02:00:30.500Z"],
    ["2026-12-03T02:00:00+02:00", "2026-12-03T00:00:00.000Z"],
    ["2026-12-03T02:00:00-05:30", "2026-12-03T07:30:00.000Z"],
    ["2028-02-29T23:59:59Z", "2028-02-29T23:59:59.000Z"],
  ])("reads %s as %s (UTC without an offset)", (text, expected) => {
    expect(parseInstant(text).toISOString()).toBe(expected);
  });
});
