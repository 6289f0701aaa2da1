import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { registry } from "../../actions/index.ts";
import type { CliIO } from "../../engine/cli/command.ts";
import { main } from "../../engine/cli/main.ts";
import { loadPolicyFiles, loadPolicyText } from "../../engine/policy/load.ts";

// Each file of the corpus declares its problems in its first lines, one per line:
//   # expect: LINE:COLUMN problem-id
// A folder is one case whose files are validated together (problems across files).
const ROOT = fileURLToPath(new URL("../fixtures/broken/", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const EXPECT_LINE = /^# expect: (\d+):(\d+) ([a-z0-9-]+)$/;

interface Case {
  name: string;
  path: string;
  files: string[];
}

const cases: Case[] = readdirSync(ROOT)
  .sort()
  .map((name) => {
    const path = join(ROOT, name);
    const files = statSync(path).isDirectory() ? readdirSync(path).sort().map((f) => join(path, f)) : [path];
    return { name, path, files };
  });

/** The `# expect:` lines of a file, which must come first (before any other line). */
function declared(file: string): string[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const out: string[] = [];
  for (const line of lines) {
    const m = EXPECT_LINE.exec(line);
    if (!m) break;
    out.push(`${relative(ROOT, file)}:${m[1]}:${m[2]} ${m[3]}`);
  }
  return out;
}

function fakeIO(cwd: string): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), cwd, env: {}, isTTY: false, lines, errors };
}

const PROBLEM_LINE = /^(.+?):(\d+):(\d+): (.+)$/;

describe("broken policy corpus", () => {
  it("holds at least 45 files, each declaring its expected problems in its first lines", () => {
    const files = cases.flatMap((c) => c.files);
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const c of cases) {
      expect(c.files.flatMap(declared).length, c.name).toBeGreaterThan(0);
      for (const file of c.files) {
        const text = readFileSync(file, "utf8");
        const anywhere = text.split("\n").filter((l) => l.startsWith("# expect:")).length;
        expect(anywhere, `${file}: every expect line must be at the top`).toBe(declared(file).length);
      }
    }
  });

  describe.each(cases)("$name", ({ path, files }) => {
    it("yields exactly the declared problems, at the declared line and column", () => {
      const { problems } = loadPolicyFiles([path], registry, ROOT);
      const actual = problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.id}`).sort();
      expect(actual).toEqual(files.flatMap(declared).sort());
    });

    it("places the problems the same with Windows line endings and a byte-order mark", () => {
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        const at = (t: string) => loadPolicyText(file, t, registry).problems.map((p) => `${p.line}:${p.column} ${p.id}`);
        expect(at(`\uFEFF${text.replace(/\n/g, "\r\n")}`)).toEqual(at(text));
      }
    });

    it("explains every problem on one line, without a stack trace", () => {
      const { problems } = loadPolicyFiles([path], registry, ROOT);
      for (const p of problems) {
        expect(p.message.length).toBeGreaterThan(20);
        expect(p.message).not.toMatch(/\n|\s+at \S+ \(|Error:/);
      }
    });
  });

  it("loadPolicyText reports the same problems as loading the file, and no policy", () => {
    const file = join(ROOT, "five-problems.yml");
    const result = loadPolicyText("five-problems.yml", readFileSync(file, "utf8"), registry);
    expect(result.policy).toBeUndefined();
    expect(result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.id}`).sort()).toEqual(declared(file).sort());
  });
});

describe("caretaker validate", () => {
  it("prints file:line:col: message for every problem of every file, then the count, and exits 1", async () => {
    const io = fakeIO(REPO);
    const code = await main(["validate", "test/fixtures/broken"], io);
    expect(code).toBe(1);
    const count = io.lines.at(-1)!;
    const problemLines = io.lines.slice(0, -1);
    for (const line of problemLines) expect(line).toMatch(PROBLEM_LINE);
    const printed = problemLines.map((line) => {
      const [, file, l, c] = PROBLEM_LINE.exec(line)!;
      return `${relative(ROOT, join(REPO, file!))}:${l}:${c}`;
    });
    // The folder's own files only: sub-folders are separate cases.
    const expected = cases.filter((c) => c.path.endsWith(".yml")).flatMap((c) => declared(c.path)).map((e) => e.split(" ")[0]);
    expect(printed.sort()).toEqual(expected.sort());
    expect(count).toMatch(new RegExp(`^${expected.length} problems\\b`));
    expect(io.errors).toEqual([]);
  });

  it("reports a file with five problems as five lines in one run", async () => {
    const io = fakeIO(ROOT);
    const code = await main(["validate", "five-problems.yml"], io);
    expect(code).toBe(1);
    expect(io.lines).toHaveLength(6);
    expect(io.lines.slice(0, 5).every((l) => l.startsWith("five-problems.yml:"))).toBe(true);
    expect(io.lines[5]).toMatch(/^5 problems\b/);
  });

  it("reports names used twice across the files of a folder", async () => {
    const io = fakeIO(ROOT);
    expect(await main(["validate", "duplicate-names"], io)).toBe(1);
    expect(io.lines.slice(0, -1)).toEqual([expect.stringMatching(/^duplicate-names\/b-snapshots-copy\.yml:4:7: .*a-snapshots\.yml/)]);
  });

  it("finds no problem in policies/ and exits 0", async () => {
    const { policies, problems } = loadPolicyFiles([join(REPO, "policies")], registry, REPO);
    expect(problems).toEqual([]);
    expect(policies.length).toBeGreaterThanOrEqual(4);
    const io = fakeIO(REPO);
    expect(await main(["validate"], io)).toBe(0);
    expect(io.lines.filter((l) => PROBLEM_LINE.test(l))).toEqual([]);
  });

  it("reports a path that does not exist as a problem, not a crash", async () => {
    const io = fakeIO(ROOT);
    expect(await main(["validate", "no-such-policy.yml"], io)).toBe(1);
    expect(io.lines[0]).toMatch(/^no-such-policy\.yml:1:1: /);
    expect(io.errors).toEqual([]);
  });
});
