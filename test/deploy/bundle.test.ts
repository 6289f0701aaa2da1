import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { build, type BuildOptions } from "esbuild";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateSnapshotCommand, CreateVolumeCommand, DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { registry } from "../../actions/index.ts";
import { BUNDLE_BUDGET_BYTES, buildBundle, type BundleResult } from "../../deploy/bundle.ts";
import { inlineSchemaConstants, sdkSchemaShaking } from "../../deploy/sdk-schema-shaking.ts";
import type { LoadedPolicy } from "../../engine/policy/types.ts";
import { PolicyFolder, schedulePolicy } from "./fixtures.ts";

const folder = new PolicyFolder();
const outDir = mkdtempSync(join(tmpdir(), "caretaker-bundle-"));
let policies: LoadedPolicy[];
let result: BundleResult;
let topicArn: string;

beforeAll(async () => {
  topicArn = (await new SNSClient({}).send(new CreateTopicCommand({ Name: "bundle-alerts" }))).TopicArn!;
  policies = folder
    .write([
      schedulePolicy("retention", "cron(0 2 * * ? *)", {
        actions: [
          { type: "delete-old-snapshots", id: "cleanup", with: { "older-than": "30d" } },
          { type: "notify", with: { topic: topicArn, subject: "deleted {% $count($steps.cleanup.deleted) %}", message: "{% $steps.cleanup %}" } },
        ],
      }),
    ])
    .load(registry);
  result = await buildBundle({ policies, outDir });
}, 120_000);

afterAll(() => {
  folder.remove();
  rmSync(outDir, { recursive: true, force: true });
});

/** Imports the bundle in a fresh Node process (as Lambda would) and invokes its handler once. */
function invokeBundle(input: unknown, env: Record<string, string>): { status: string; runs: Array<{ steps: Array<{ status: string; output: Record<string, unknown> }> }> } {
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(result.bundlePath).href)});
process.stdout.write(JSON.stringify(await handler(JSON.parse(process.env.INPUT))));`;
  const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...env, INPUT: JSON.stringify(input), AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1", POWERTOOLS_LOG_LEVEL: "ERROR" },
    encoding: "utf8",
  });
  return JSON.parse(stdout);
}

describe("caretaker build's bundle", () => {
  it("is one zip with the ES module entry, its chunks and source maps, within the size budget", () => {
    expect(result.files).toContain("index.mjs");
    expect(result.files).toContain("index.mjs.map");
    expect(result.zipPath).toBe(join(outDir, "caretaker-lambda.zip"));
    expect(result.bundleBytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    expect(result.zipHash).toMatch(/^[0-9a-f]{12}$/);
  });

  it("builds the same zip twice from the same policies", async () => {
    // A sibling folder: the source maps name sources relative to the output folder.
    const otherDir = mkdtempSync(join(tmpdir(), "caretaker-bundle-"));
    try {
      const again = await buildBundle({ policies, outDir: otherDir });
      expect(again.zipHash).toBe(result.zipHash);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it("runs the embedded policy against the AWS APIs (EC2, SNS, DynamoDB state) from a fresh process", async () => {
    const ec2 = new EC2Client({});
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
    const tags = [{ ResourceType: "snapshot" as const, Tags: [{ Key: "caretaker:managed", Value: "true" }] }];
    const snapshot = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId, TagSpecifications: tags }));
    const dynamodb = new DynamoDBClient({});
    await dynamodb.send(new CreateTableCommand({
      TableName: "bundle-state",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    }));

    // Sixty days on, the snapshot is older than the policy's 30 days.
    const time = new Date(Date.now() + 60 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const event = {
      version: "0", id: "bundle-test-1", "detail-type": "Scheduled Event", source: "aws.events", account: "123456789012", time,
      region: "us-east-1", resources: ["arn:aws:events:us-east-1:123456789012:rule/caretaker-retention"], detail: {},
    };
    const input = { policy: "retention", version: policies[0]!.version, event };
    const output = invokeBundle(input, { CARETAKER_STATE_TABLE: "bundle-state" });
    expect(output.status).toBe("ok");
    const steps = output.runs[0]!.steps;
    expect(steps.map((s) => s.status)).toEqual(["ok", "ok"]);
    expect(steps[0]!.output.deleted).toEqual([snapshot.SnapshotId]);
    const left = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
    expect((left.Snapshots ?? []).map((s) => s.SnapshotId)).not.toContain(snapshot.SnapshotId);
    const state = await dynamodb.send(new ScanCommand({ TableName: "bundle-state" }));
    expect(state.Count).toBeGreaterThan(0);
  });
});

describe("inlineSchemaConstants", () => {
  it("inlines string constants where they are values, never in declarations or property names", () => {
    const source = ['const _A = "Address";', 'const n0 = "com.amazonaws.ec2";', "export var A$ = [3, n0, _A, { [_A]: 1, _A: 2 }, x._A, a ? _A : 0];"].join("\n");
    expect(inlineSchemaConstants(source).split("\n")[2]).toBe('export var A$ = [3, "com.amazonaws.ec2", "Address", { ["Address"]: 1, _A: 2 }, x._A, a ? _A : 0];');
  });
});

/** Deep equality of two schema values; lazy references (`() => X$`) are followed, cycles once. */
function sameSchema(actual: unknown, expected: unknown, path: string, seen: Set<unknown>): void {
  if (typeof expected === "function") {
    expect(typeof actual, path).toBe("function");
    const lazy = expected as () => unknown;
    if (lazy.length !== 0 || /^class\b/.test(lazy.toString())) return;
    if (seen.has(expected)) return;
    seen.add(expected);
    sameSchema((actual as () => unknown)(), lazy(), `${path}()`, seen);
    return;
  }
  if (expected && typeof expected === "object") {
    expect(actual && typeof actual, path).toBe("object");
    if (seen.has(expected)) return;
    seen.add(expected);
    const keys = Object.keys(expected);
    expect(Object.keys(actual as object), path).toEqual(keys);
    for (const key of keys) sameSchema((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`, seen);
    return;
  }
  expect(actual, path).toBe(expected);
}

describe("sdkSchemaShaking", () => {
  // The transform must not change a single schema: bundle every export of each client's schema
  // file with and without it, load both and compare them deeply.
  const clients = ["client-ec2", "client-s3", "client-sns", "client-auto-scaling", "client-dynamodb", "client-eventbridge"];
  it.each(clients)("leaves every schema of %s as it was", async (client) => {
    const dir = mkdtempSync(join(tmpdir(), "caretaker-schemas-"));
    try {
      const entry = join(dir, "entry.mjs");
      writeFileSync(entry, `export * from ${JSON.stringify(`@aws-sdk/${client}/dist-es/schemas/schemas_0.js`)};\n`);
      const common: BuildOptions = { entryPoints: [entry], bundle: true, platform: "node", format: "esm", nodePaths: [join(process.cwd(), "node_modules")], logLevel: "silent" };
      await build({ ...common, outfile: join(dir, "plain.mjs") });
      await build({ ...common, outfile: join(dir, "shaken.mjs"), plugins: [sdkSchemaShaking()] });
      const plain = await import(pathToFileURL(join(dir, "plain.mjs")).href);
      const shaken = await import(pathToFileURL(join(dir, "shaken.mjs")).href);
      expect(Object.keys(shaken).sort()).toEqual(Object.keys(plain).sort());
      for (const name of Object.keys(plain)) sameSchema(shaken[name], plain[name], name, new Set());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
