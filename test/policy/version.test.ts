import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../actions/index.ts";
import { loadPolicyFiles, loadPolicyText } from "../../engine/policy/load.ts";
import { canonicalJson, policyVersion } from "../../engine/policy/version.ts";

const base = {
  apiVersion: "caretaker/v1",
  name: "prune-snapshots",
  description: "Deletes old snapshots.",
  mode: "live",
  enabled: true,
  trigger: { schedule: "cron(0 2 * * ? *)" },
  filter: "$exists($)",
  env: ["ALERT_TOPIC_ARN"],
  vars: { day: '$substring($ago("1d"), 0, 10)' },
  limits: { "max-resources": 50 },
  actions: [
    { type: "delete-old-snapshots", id: "cleanup", with: { "older-than": "30d", "keep-latest": 1 } },
    { type: "notify", with: { topic: "{% $env.ALERT_TOPIC_ARN %}", message: "{% $steps.cleanup %}" } },
  ],
  tests: [{ name: "runs", at: "2026-03-01T02:00:00Z", expect: { triggered: true } }],
};

type Doc = Record<string, unknown>;
const clone = (doc: Doc): Doc => structuredClone(doc);

describe("policy version (SPEC §1)", () => {
  it("is the first 12 hex digits of the SHA-256 of the sorted-key JSON, without description and tests", () => {
    const doc = { name: "x", apiVersion: "caretaker/v1", trigger: { schedule: "rate(1 day)" }, description: "d", tests: [], actions: [{ with: { topic: "t", message: "m" }, type: "notify" }] };
    // Written out by hand: keys sorted at every level, no whitespace, description and tests left out.
    const canonical = '{"actions":[{"type":"notify","with":{"message":"m","topic":"t"}}],"apiVersion":"caretaker/v1","name":"x","trigger":{"schedule":"rate(1 day)"}}';
    expect(policyVersion(doc)).toBe(createHash("sha256").update(canonical).digest("hex").slice(0, 12));
    expect(policyVersion(doc)).toMatch(/^[0-9a-f]{12}$/);
  });

  it("does not change when only description or tests change", () => {
    const version = policyVersion(base);
    const edits: Array<(d: Doc) => void> = [
      (d) => (d.description = "Something else entirely."),
      (d) => delete d.description,
      (d) => delete d.tests,
      (d) => (d.tests = []),
      (d) => ((d.tests as Doc[])[0]!.name = "renamed"),
      (d) => (d.tests as Doc[]).push({ name: "another", at: "2026-03-02T02:00:00Z", expect: { triggered: true } }),
    ];
    for (const edit of edits) {
      const doc = clone(base);
      edit(doc);
      expect(policyVersion(doc)).toBe(version);
    }
  });

  it("changes when anything else changes", () => {
    const version = policyVersion(base);
    const edits: Record<string, (d: Doc) => void> = {
      apiVersion: (d) => (d.apiVersion = "caretaker/v2"),
      name: (d) => (d.name = "prune-snapshots-2"),
      mode: (d) => (d.mode = "dry-run"),
      "mode removed": (d) => delete d.mode,
      enabled: (d) => (d.enabled = false),
      schedule: (d) => (d.trigger = { schedule: "cron(0 3 * * ? *)" }),
      "trigger kind": (d) => (d.trigger = { event: { source: ["aws.events"] } }),
      filter: (d) => (d.filter = "$exists(detail)"),
      env: (d) => (d.env = ["ALERT_TOPIC_ARN", "OTHER"]),
      vars: (d) => ((d.vars as Doc).day = '$substring($ago("2d"), 0, 10)'),
      limits: (d) => ((d.limits as Doc)["max-resources"] = 51),
      "a step's param": (d) => (((d.actions as Doc[])[0]!.with as Doc)["older-than"] = "31d"),
      "a param's type": (d) => (((d.actions as Doc[])[0]!.with as Doc)["keep-latest"] = "1"),
      "a step id": (d) => ((d.actions as Doc[])[0]!.id = "clean"),
      "a step added": (d) => (d.actions as Doc[]).push({ type: "notify", with: { topic: "t", message: "m" } }),
      "the steps' order": (d) => (d.actions as Doc[]).reverse(),
      "an on-error": (d) => ((d.actions as Doc[])[1]!["on-error"] = "continue"),
      "a guard": (d) => ((d.actions as Doc[])[1]!.if = "true"),
    };
    for (const [what, edit] of Object.entries(edits)) {
      const doc = clone(base);
      edit(doc);
      expect(policyVersion(doc), what).not.toBe(version);
    }
  });

  it("does not depend on the order keys are written in", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), json, { maxKeys: 6 }), (doc) => {
        const reversed = Object.fromEntries(Object.entries(doc).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(doc));
        expect(policyVersion(reversed)).toBe(policyVersion(doc));
        expect(policyVersion({ ...doc, description: "x", tests: [1] })).toBe(policyVersion(Object.fromEntries(Object.entries(doc).filter(([k]) => k !== "description" && k !== "tests"))));
      }),
    );
  });

  it("is the same for the same policy written in another YAML style, and travels with the loaded policy", () => {
    const block = [
      "apiVersion: caretaker/v1",
      "name: prune-snapshots",
      "description: one",
      "trigger:",
      '  schedule: "cron(0 2 * * ? *)"',
      "actions:",
      "  - type: delete-old-snapshots",
      "    with:",
      "      older-than: 30d",
    ].join("\n");
    const flow = [
      "# the same policy, reordered, in flow style, with a comment and another description",
      "actions: [{ with: { older-than: '30d' }, type: delete-old-snapshots }]",
      "trigger: { schedule: cron(0 2 * * ? *) }",
      "description: two",
      "name: prune-snapshots",
      "apiVersion: caretaker/v1",
    ].join("\n");
    const a = loadPolicyText("a.yml", block, registry);
    const b = loadPolicyText("b.yml", flow, registry);
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    expect(a.policy!.version).toBe(b.policy!.version);
    expect(a.policy!.version).toBe(policyVersion(a.policy!.doc as unknown as Doc));
  });

  it("differs between the example policies", () => {
    const { policies } = loadPolicyFiles([fileURLToPath(new URL("../../policies", import.meta.url))], registry);
    const versions = policies.map((p) => p.version);
    expect(new Set(versions).size).toBe(policies.length);
  });
});
