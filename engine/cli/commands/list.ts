import { EXIT, type CliCommand } from "../command.ts";
import { loadFromArgs, policiesOption } from "../policy-args.ts";

export const listCommand: CliCommand = {
  name: "list",
  summary: "List the policies: name, trigger, version, mode, enabled",
  usage: "list [--json] [--policies DIR]",
  options: { ...policiesOption, json: { type: "boolean" } },
  async run({ values, io, registry }) {
    const rows = loadFromArgs(values, io, registry).map((p) => ({
      name: p.doc.name,
      trigger: p.doc.trigger.schedule ?? `event${p.doc.trigger.bus ? ` on ${p.doc.trigger.bus}` : ""}: ${JSON.stringify(p.doc.trigger.event)}`,
      version: p.version,
      mode: p.doc.mode ?? "live",
      enabled: p.doc.enabled !== false,
    }));
    if (values.json) {
      io.out(JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    const header = { name: "NAME", version: "VERSION", mode: "MODE", enabled: "ENABLED", trigger: "TRIGGER" };
    const table = [header, ...rows.map((r) => ({ ...r, enabled: String(r.enabled) }))];
    const widths = (["name", "version", "mode", "enabled"] as const).map((k) => Math.max(...table.map((r) => String(r[k]).length)));
    for (const r of table) {
      io.out([r.name, r.version, r.mode, r.enabled].map((v, i) => String(v).padEnd(widths[i]!)).join("  ") + `  ${r.trigger}`);
    }
    return EXIT.ok;
  },
};
