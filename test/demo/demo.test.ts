import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, inject, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEMO_TIMEOUT_MS = 120_000;
// Well inside the test timeout, so a hung demo is stopped (and stops its moto) instead of outliving the test.
const DEMO_KILL_AFTER_MS = 100_000;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/caretaker-demo.js` the way `npm run demo` does; `onStdout` may act on it mid-run. */
function runDemo(env: NodeJS.ProcessEnv, onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/caretaker-demo.js"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGTERM"), DEMO_KILL_AFTER_MS);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function summaryOf(stdout: string): Record<string, unknown> {
  const line = stdout.split("\n").find((l) => l.startsWith("DEMO-SUMMARY "));
  expect(line, "the demo prints a DEMO-SUMMARY line").toBeDefined();
  return JSON.parse(line!.slice("DEMO-SUMMARY ".length)) as Record<string, unknown>;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(new URL("/moto-api/", endpoint), { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

function withoutEndpoint(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_ENDPOINT_URL;
  return env;
}

// What the seeded world and the example policies must produce; see emulator/world.ts.
const EXPECTED = {
  rulesCreated: 4, // one rule per example policy
  rulesInEventBridge: 4,
  secondSyncWrites: 0,
  snapshotsCreated: 2, // web-1's two volumes
  duplicateSnapshotsCreated: 0, // the repeated delivery
  notOptedInSnapshotsCreated: 0, // scratch-1 lacks AutoSnapshot=true
  snapshotsDeleted: 4, // two seeded auto-snapshots plus the two just made, all older than 30 d a month later
  handMadeSnapshotKept: true,
  archivedLines: 24, // yesterday's hourly rows; the older day stays in the table
  desiredCapacity: 4, // 3 + 2 clamped to MaxSize 4
  scaleReason: "at-max",
  messagesPublished: 4, // snapshot alert, daily report, scale-out, disk space
  dryRunPlannedCalls: 3, // two CreateSnapshot and one Publish
  dryRunChanges: 0,
};

describe("npm run demo", () => {
  it("starts its own moto, plays the seed's modules, exits 0 and leaves no emulator behind", { timeout: DEMO_TIMEOUT_MS }, async () => {
    const run = await runDemo(withoutEndpoint());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const summary = summaryOf(run.stdout);
    expect(summary).toMatchObject(EXPECTED);
    const emulator = summary.emulator as { endpoint: string; started: boolean };
    expect(emulator.started).toBe(true);
    expect(emulator.endpoint).not.toBe(inject("motoEndpoint"));
    expect(await answers(emulator.endpoint)).toBe(false);
    // Progress redraws a line with \r; output that is not a terminal must not carry it.
    expect(run.stdout).not.toContain("\r");
  });

  it("reuses the emulator AWS_ENDPOINT_URL names, resetting what an earlier run left there", { timeout: DEMO_TIMEOUT_MS }, async () => {
    const endpoint = inject("motoEndpoint");
    // A leftover of an earlier run: without the reset, seeding this table again would fail.
    await new DynamoDBClient({}).send(new CreateTableCommand({
      TableName: "caretaker-metrics", BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }));
    const run = await runDemo({ ...process.env, AWS_ENDPOINT_URL: endpoint });
    expect(run.code).toBe(0);
    const summary = summaryOf(run.stdout);
    expect(summary).toMatchObject({ ...EXPECTED, emulator: { endpoint, started: false } });
    expect(await answers(endpoint)).toBe(true);
  });

  it("stops its moto and exits 130 on SIGINT", { timeout: DEMO_TIMEOUT_MS }, async () => {
    let endpoint: string | undefined;
    const run = await runDemo(withoutEndpoint(), (soFar, child) => {
      const found = /http:\/\/127\.0\.0\.1:\d+/.exec(soFar)?.[0];
      if (found && !endpoint) {
        endpoint = found;
        child.kill("SIGINT");
      }
    });
    expect(endpoint).toBeDefined();
    expect(run.code).toBe(130);
    expect(await answers(endpoint!)).toBe(false);
  });

  it("refuses an AWS_ENDPOINT_URL that is not a moto it can reset, with exit 1", { timeout: DEMO_TIMEOUT_MS }, async () => {
    const notMoto = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => notMoto.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = notMoto.address() as AddressInfo;
      const run = await runDemo({ ...process.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain("DEMO-SUMMARY");
    } finally {
      await new Promise((resolve) => notMoto.close(resolve));
    }
  });

  it("exits 1 without a stack trace when moto_server is not installed", { timeout: DEMO_TIMEOUT_MS }, async () => {
    const env = withoutEndpoint();
    env.PATH = "/nonexistent";
    const run = await runDemo(env);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain("DEMO-SUMMARY");
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
