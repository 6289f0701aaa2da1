import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Logger } from "@aws-lambda-powertools/logger";
import { stringify } from "yaml";
import { registry } from "../../actions/index.ts";
import type { ActionRegistry, AnyAction } from "../../engine/action-contract.ts";
import { EventError, ExpressionError, type Problem } from "../../engine/errors.ts";
import { assertEvent, type EventBridgeEvent } from "../../engine/events.ts";
import { EXPRESSION_LIMITS, evaluateExpression, renderTemplates } from "../../engine/expressions.ts";
import { createHandler } from "../../engine/handler.ts";
import { matchesPattern } from "../../engine/pattern/index.ts";
import { loadPoliciesOrThrow, loadPolicyText } from "../../engine/policy/load.ts";
import { evaluateTrigger } from "../../engine/runner.ts";
import { MemoryStateStore } from "../../engine/state/memory-store.ts";

// Pure functions only, no AWS. 2,000 + 1,000 policy documents, 5,000 events, 2,500 handler inputs.
const RUNS = Number(process.env.HOSTILE_RUNS ?? 2500);
const SEED = Number(process.env.HOSTILE_SEED ?? 8);
let cases = 0;
const counted = <T>(arbitrary: fc.Arbitrary<T>) => arbitrary.map((value) => ((cases += 1), value));

const examplePolicies = loadPoliciesOrThrow(["policies"], registry);
const exampleTexts = examplePolicies.map((p) => stringify(p.doc));
const patterns: unknown[] = [
  ...examplePolicies.flatMap((p) => (p.doc.trigger.event ? [p.doc.trigger.event] : [])),
  { detail: { size: [{ numeric: [">", 0, "<=", 100] }], tag: [{ exists: false }] } },
  { source: [{ "anything-but": { prefix: "aws." } }], detail: { ip: [{ cidr: "10.0.0.0/8" }] } },
  { "detail-type": [{ wildcard: "EC2*Change*" }], detail: { name: [{ "equals-ignore-case": "WEB" }], $or: [{ a: [1] }, { b: [{ suffix: ".log" }] }] } },
];

function assertStructured(problems: Problem[]): void {
  for (const p of problems) {
    expect(Number.isInteger(p.line) && p.line >= 1, JSON.stringify(p)).toBe(true);
    expect(Number.isInteger(p.column) && p.column >= 1, JSON.stringify(p)).toBe(true);
    expect(typeof p.id === "string" && p.id.length > 0, JSON.stringify(p)).toBe(true);
    expect(typeof p.message === "string" && p.message.length > 0).toBe(true);
    expect(p.file).toBe("hostile.yml");
  }
}

function checkLoad(text: string): void {
  let result: ReturnType<typeof loadPolicyText>;
  try {
    result = loadPolicyText("hostile.yml", text, registry);
  } catch (error) {
    throw new Error(`loadPolicyText threw on ${JSON.stringify(text.slice(0, 400))}: ${(error as Error).stack}`);
  }
  if (!result.policy) expect(result.problems.length).toBeGreaterThan(0);
  assertStructured(result.problems);
}

// Values that trip naive code: YAML specials, prototype keys, odd numbers, long and control strings.
const nasty = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "{% $x %}", "{%", "%}", "{% (%}", "*", "&a", "*a", "!!binary", "!!js/function", "<<", "~", "null", "NaN", ".inf", "0x1F", "1e999", "-0", "\u0000", "\u2028", "\ud800", "caretaker:managed", "aws:tag", "$env.AWS_SECRET_ACCESS_KEY"),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const nearValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: "small", withCrossShrink: true }, nasty, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(fc.oneof(nasty.map(String), fc.constantFrom("type", "with", "id", "if", "on-error", "event", "schedule", "source", "detail")), tie("v"), { maxKeys: 4 })),
})).v;

const actionTypes = [...registry.keys(), "no-such-action"];
const nearPolicy = fc.record(
  {
    apiVersion: fc.oneof(fc.constant("caretaker/v1"), nasty),
    name: fc.oneof(fc.constantFrom("a", "nightly", "x".repeat(80), "Bad Name", "ok-name"), nasty),
    mode: fc.oneof(fc.constantFrom("live", "dry-run"), nasty),
    enabled: fc.oneof(fc.boolean(), nasty),
    trigger: fc.oneof(
      fc.record({ event: fc.oneof(fc.constantFrom(...patterns), nearValue) }, { requiredKeys: [] }),
      fc.record({ schedule: fc.oneof(fc.constantFrom("cron(0 2 * * ? *)", "rate(1 day)", "rate(0 minutes)", "cron(* * * * * *)", "cron(0 2 * * ? *"), nasty) }),
      nearValue,
    ),
    filter: fc.oneof(fc.constantFrom("detail.state = 'x'", "$count(", "$env", ")"), nasty),
    env: fc.oneof(fc.array(fc.constantFrom("ALERT_TOPIC_ARN", "AWS_SECRET_ACCESS_KEY", "lower", ""), { maxLength: 3 }), nearValue),
    vars: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom("x", "__proto__", "constructor", "1bad"), fc.string({ maxLength: 5 })), fc.oneof(fc.constantFrom("detail.x", "$$$", "(", "$steps"), nasty), { maxKeys: 3 }), nearValue),
    limits: fc.oneof(fc.record({ "max-resources": fc.oneof(fc.integer({ min: -5, max: 100_000 }), nasty) }), nearValue),
    actions: fc.oneof(
      fc.array(fc.record({ type: fc.oneof(fc.constantFrom(...actionTypes), nasty), id: fc.oneof(fc.constantFrom("a", "snap", "__proto__"), nasty), with: nearValue, if: nasty, "on-error": fc.oneof(fc.constantFrom("stop", "continue"), nasty) }, { requiredKeys: ["type"] }), { maxLength: 3 }),
      nearValue,
    ),
    tests: nearValue,
    extra: nearValue,
  },
  { requiredKeys: [] },
);

describe("hostile policy documents", () => {
  it("random text: loadPolicyText never throws and every rejection is a structured problem", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      // Real policies with a slice cut out, a slice repeated, or a character swapped: near-valid YAML.
      fc.tuple(fc.constantFrom(...exampleTexts), fc.nat(), fc.nat({ max: 60 }), fc.string({ maxLength: 8 })).map(([t, at, len, insert]) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + insert + t.slice(i + len);
      }),
      fc.array(fc.constantFrom("key: value\n", "  - item\n", "&a x: *a\n", "<<: *a\n", ": \n", "- [\n", "\t", "'", '"', "{% %}\n", "? complex\n", "--- \n", "%YAML 1.2\n", "!!python/object:x y\n", "__proto__: { polluted: yes }\n"), { maxLength: 12 }).map((parts) => parts.join("")),
    );
    fc.assert(fc.property(counted(text), checkLoad), { numRuns: RUNS * 0.8, seed: SEED });
  });

  it("structured documents near the schema: never throws, every rejection a structured problem", () => {
    fc.assert(fc.property(counted(nearPolicy), (doc) => checkLoad(stringify(doc))), { numRuns: RUNS * 0.4, seed: SEED });
  });

  it("YAML bombs and prototype keys are rejected or loaded without side effects", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    const started = Date.now();
    checkLoad(bomb);
    expect(Date.now() - started).toBeLessThan(5000);
    checkLoad(`__proto__: { polluted: yes }\nconstructor: { prototype: { polluted: yes } }\napiVersion: caretaker/v1\nname: p\ntrigger: { event: { source: [x], __proto__: { polluted: [yes] } } }\nactions: [{ type: notify, with: { __proto__: { polluted: yes }, topic: "arn:aws:sns:us-east-1:123456789012:t", message: m } }]\n`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

const jsonish: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true, withSparseArray: true, withObjectString: true }));
const eventLike = fc.record(
  {
    version: fc.oneof(fc.constant("0"), jsonish),
    id: fc.oneof(fc.uuid(), fc.string(), jsonish),
    "detail-type": fc.oneof(fc.constantFrom("EC2 Instance State-change Notification", "CloudWatch Alarm State Change", "Scheduled Event"), jsonish),
    source: fc.oneof(fc.constantFrom("aws.ec2", "aws.cloudwatch", "aws.events", "app"), jsonish),
    time: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), jsonish),
    resources: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), jsonish),
    detail: fc.oneof(
      fc.record({ state: fc.oneof(fc.constantFrom("stopped", "running"), jsonish), "instance-id": fc.string(), alarmName: fc.oneof(fc.constantFrom("high-cpu-x", "disk-space-y"), fc.string()), size: fc.oneof(fc.double(), fc.integer(), jsonish), ip: fc.oneof(fc.ipV4(), fc.ipV6(), jsonish) }, { requiredKeys: [] }),
      jsonish,
    ),
  },
  { requiredKeys: [] },
);

// The handler, with the example policies but stub actions: a hostile event that does match must never reach AWS.
const calls: string[] = [];
const stubRegistry: ActionRegistry = new Map([...registry].map(([type, action]) => [type, { ...action, run: async () => (calls.push(type), {}) } as AnyAction]));
const quietLogger = new Logger({ serviceName: "caretaker-hostile", logLevel: "SILENT" });
const handler = createHandler({ registry: stubRegistry, policies: examplePolicies, state: new MemoryStateStore(), logger: quietLogger, env: {} });

async function checkHandler(input: unknown): Promise<void> {
  try {
    const result = await handler(input);
    expect(["ok", "rejected"]).toContain(result.status);
  } catch (error) {
    // A run that failed (e.g. a template with nothing to render) fails the invocation on purpose, as a CaretakerError.
    expect((error as Error).name, (error as Error).stack).toBe("CaretakerError");
  }
}

describe("hostile events", () => {
  it("assertEvent accepts or rejects with an EventError; matchesPattern never throws", () => {
    fc.assert(
      fc.property(counted(fc.oneof(eventLike, jsonish)), (input) => {
        let event: EventBridgeEvent | undefined;
        try {
          event = assertEvent(input);
        } catch (error) {
          expect(error).toBeInstanceOf(EventError);
        }
        for (const pattern of patterns) expect(typeof matchesPattern(pattern, event ?? input)).toBe("boolean");
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it("the handler's input selection never throws uncaught: malformed input is rejected", async () => {
    const input = fc.oneof(eventLike, jsonish, fc.record({ policy: fc.oneof(fc.constantFrom(...examplePolicies.map((p) => p.doc.name)), jsonish), version: jsonish, event: fc.oneof(eventLike, jsonish) }, { requiredKeys: [] }));
    await fc.assert(fc.asyncProperty(counted(input), checkHandler), { numRuns: RUNS, seed: SEED });
    expect(await handler(null)).toMatchObject({ status: "rejected" });
    expect(await handler({ policy: "auto-snapshot-on-stop", version: "x", event: "not an event" })).toMatchObject({ status: "rejected" });
  });

  const base = { version: "0", id: "e-1", "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2", account: "123456789012", time: "2026-12-03T10:00:00Z", region: "us-east-1", resources: [] };

  it("__proto__ and constructor keys pollute nothing, through the envelope check, matching, expressions and the handler", async () => {
    const hostile = JSON.parse(`{"version":"0","id":"p-1","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","time":"2026-12-03T10:00:00Z",
      "__proto__":{"polluted":"envelope"},"constructor":{"prototype":{"polluted":"ctor"}},
      "detail":{"instance-id":"i-0123456789abcdef0","state":"stopped","__proto__":{"polluted":"detail","state":"running"},"constructor":{"prototype":{"polluted":"detail-ctor"}}}}`) as unknown;
    const event = assertEvent(hostile);
    for (const pattern of patterns) matchesPattern(pattern, event);
    expect(matchesPattern(JSON.parse('{"detail":{"__proto__":{"polluted":["detail"]}}}'), event)).toBe(true);
    expect(matchesPattern(JSON.parse('{"detail":{"polluted":["detail"]}}'), event)).toBe(false);
    const snapshotPolicy = examplePolicies.find((p) => p.doc.name === "auto-snapshot-on-stop")!;
    const trigger = await evaluateTrigger(snapshotPolicy, event, {});
    expect(trigger.triggered).toBe(true);
    expect(trigger.vars).toEqual({ instanceId: "i-0123456789abcdef0" });
    await evaluateExpression('$merge([{}, detail."__proto__", detail.constructor])', event, {});
    await renderTemplates({ "__proto__": "{% detail %}", constructor: { prototype: "{% detail.constructor %}" } }, event, {});
    await checkHandler(hostile);
    await checkHandler({ policy: "auto-snapshot-on-stop", version: "x", event: hostile });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).state).toBeUndefined();
  });

  it("100-level deep nesting and a 256 KB payload are handled", async () => {
    let deep: Record<string, unknown> = { leaf: "stopped" };
    // A tree, as JSON delivers it (a shared sub-object would be 2^100 paths, which no 256 KB event can hold).
    for (let i = 0; i < 100; i++) deep = { a: deep, list: [i, { level: i }] };
    const nested = { ...base, id: "deep-1", detail: { state: "stopped", "instance-id": "i-0123456789abcdef0", deep } };
    const big = { ...base, id: "big-1", detail: { state: "stopped", "instance-id": "i-0123456789abcdef0", blob: "x".repeat(256 * 1024 - 400), items: Array.from({ length: 500 }, (_, i) => ({ i })) } };
    for (const input of [nested, big]) {
      const event = assertEvent(input);
      for (const pattern of patterns) matchesPattern(pattern, event);
      matchesPattern({ detail: { deep: { a: { a: { a: { leaf: ["stopped"] } } } } } }, event);
      await checkHandler(input);
      expect(await evaluateExpression("$count(**)", event, {})).toBeGreaterThan(0);
    }
    expect(calls.filter((c) => c === "snapshot-volumes").length).toBeGreaterThanOrEqual(2);
  });
});

describe("expressions that never end or explode", () => {
  const bombs = [
    ["a huge range", "$count([1..10000000])"],
    ["infinite tail recursion", "($f := function($x){$f($x)}; $f(1))"],
    ["infinite recursion", "($f := function($x){$f($x) + 1}; $f(1))"],
    ["a long loop", "$reduce([1..1000000], function($a, $b){$a + $b})"],
    ["a sort with a comparator over a large range", "$sort([1..300000], function($a, $b){$a < $b})"],
    ["a doubling string", '($s := function($x){$x & $x}; $s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s($s("ab"))))))))))))))))))))))))'],
    ["a string of a huge sequence", "$string([1..900000])"],
  ] as const;
  it.each(bombs)("%s is stopped with an ExpressionError within the time bound", async (_name, text) => {
    const started = Date.now();
    const error = await evaluateExpression(text, {}, {}, { policy: "p", param: "filter" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).where).toEqual({ policy: "p", param: "filter" });
    expect((error as Error).message).toMatch(/^policy p, parameter filter: expression .* failed: (Evaluation timeout|Stack overflow|expression built a)/);
    expect(Date.now() - started).toBeLessThan(EXPRESSION_LIMITS.timeoutMs * 3);
  });

  it("ordinary expressions still work under the bounds", async () => {
    expect(await evaluateExpression("$sum([1..1000])", {}, {})).toBe(500500);
    expect(await evaluateExpression('($f := function($n){$n <= 1 ? 1 : $n * $f($n - 1)}; $f(10))', {}, {})).toBe(3628800);
  });
});

afterAll(() => {
  console.log(`[hostile-input] generated cases=${cases} (seed ${SEED}, ${RUNS} runs per property)`);
});
