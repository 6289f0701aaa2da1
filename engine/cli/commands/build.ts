import { writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { BUNDLE_BUDGET_BYTES, buildBundle } from "../../../deploy/bundle.ts";
import { assembleTemplate, renderTemplate } from "../../../deploy/template.ts";
import type { CliCommand } from "../command.ts";
import { loadFromArgs, policiesOption } from "../policy-args.ts";

export const TEMPLATE_FILE = "template.yml";

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `caretaker build`: the Lambda bundle with the policies embedded, zipped, plus the stack template for them. */
export const buildCommand: CliCommand = {
  name: "build",
  summary: "Build the deployable Lambda bundle (code and policies) and its CloudFormation template under dist/",
  usage: "build [--policies DIR] [--out DIR]",
  options: { ...policiesOption, out: { type: "string" } },
  async run({ values, io, registry }) {
    const policies = loadFromArgs(values, io, registry);
    const outDir = resolve(io.cwd, typeof values.out === "string" ? values.out : "dist");
    const result = await buildBundle({ policies, outDir });
    const templatePath = join(outDir, TEMPLATE_FILE);
    writeFileSync(templatePath, renderTemplate(assembleTemplate(policies, registry)));
    const shown = (path: string) => relative(io.cwd, path) || path;
    io.out(`${policies.length} polic${policies.length === 1 ? "y" : "ies"} embedded: ${policies.map((p) => `${p.doc.name}@${p.version}`).join(", ")}`);
    io.out(`bundle: ${kib(result.bundleBytes)} minified (entry ${kib(result.entryBytes)}, ${result.files.filter((f) => f.endsWith(".mjs")).length} files), budget ${kib(BUNDLE_BUDGET_BYTES)}`);
    io.out(`zip: ${shown(result.zipPath!)} ${kib(result.zipBytes!)} sha256:${result.zipHash}`);
    io.out(`template: ${shown(templatePath)}`);
    io.out(`upload with a key per build, e.g. caretaker/caretaker-lambda-${result.zipHash}.zip, and pass it as CodeKey`);
    if (result.bundleBytes > BUNDLE_BUDGET_BYTES) io.err(`warning: the bundle is above the ${kib(BUNDLE_BUDGET_BYTES)} budget`);
    return 0;
  },
};
