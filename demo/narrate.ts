import { formatCall } from "../engine/format-run.ts";
import type { RecordedCall } from "../engine/dry-run.ts";
import type { RunResult, StepResult } from "../engine/runner.ts";

/** What the demo shows of a run: the handler's view, plus the calls when the runner was called directly. */
export type DemoRun = Pick<RunResult, "policy" | "version" | "triggered" | "reason" | "dryRun" | "steps"> & { calls?: RunResult["calls"] };

type Output = Record<string, unknown>;

function list(values: unknown): string[] {
  return Array.isArray(values) ? values.map(String) : [];
}

/** The resource-level lines a step's output stands for, by action type. */
function stepDetails(step: StepResult, dryRun: boolean): string[] {
  const out = (step.output ?? {}) as Output;
  switch (step.type) {
    case "snapshot-volumes": {
      if (out.skipped) return [`${String(out.instance)}: skipped (${String(out.skipped)})`];
      const snaps = (out.snapshots ?? []) as Array<{ volumeId: string; device: string; snapshotId: string }>;
      return snaps.map((s) => `${s.volumeId} (${s.device}) -> ${s.snapshotId}${dryRun ? " (placeholder)" : ""}`);
    }
    case "delete-old-snapshots": {
      const deleted = list(out.deleted);
      const skipped = (out.skipped ?? []) as Array<{ snapshotId: string; reason: string }>;
      return [
        `deleted ${deleted.length}${deleted.length ? `: ${deleted.join(", ")}` : ""}`,
        `kept ${String(out.kept ?? 0)} newer matching snapshot(s)`,
        ...skipped.map((s) => `skipped ${s.snapshotId} (${s.reason})`),
      ];
    }
    case "archive-table":
      return [`${String(out.records)} item(s) of ${String(out.table)} -> s3://${String(out.bucket)}/${String(out.key)} (${String(out.bytes)} bytes)`];
    case "scale-asg":
      return [`${String(out.group)}: desired ${String(out.previous)} -> ${String(out.desired)} (min ${String(out.min)}, max ${String(out.max)})${out.reason ? `, ${String(out.reason)}` : ""}${out.changed ? "" : ", no change"}`];
    case "notify":
      // A dry run's message id is a placeholder; its planned Publish call says it all.
      if (dryRun) return [];
      return [`published message ${String(out.messageId)} to ${String(out.topic).split(":").pop()}`];
    default:
      return [JSON.stringify(out)];
  }
}

/** A call with multi-line strings (message bodies) folded onto its one line. */
function oneLine(call: RecordedCall): RecordedCall {
  const input = Object.fromEntries(Object.entries(call.input).map(([k, v]) => [k, typeof v === "string" ? v.replace(/\s*\n\s*/g, " ") : v]));
  return { ...call, input };
}

/**
 * The readable account of one policy run: which policy, what each step did to which
 * resources, and the mutating calls when they are known.
 *
 * @example
 * for (const line of narrateRun(result)) console.log(line);
 */
export function narrateRun(run: DemoRun, indent = "  "): string[] {
  const lines = [`${indent}${run.dryRun ? "DRY RUN " : ""}policy ${run.policy} @ ${run.version}`];
  const inner = `${indent}  `;
  if (!run.triggered) {
    lines.push(`${inner}not triggered (${run.reason === "filter" ? "filter was false" : "trigger does not match"})`);
    return lines;
  }
  if (run.reason === "duplicate") {
    lines.push(`${inner}already done for this event id: no step ran again`);
    return lines;
  }
  for (const step of run.steps) {
    const label = `step ${step.index} ${step.type}${step.id ? ` (${step.id})` : ""}`;
    if (step.status === "failed") lines.push(`${inner}${label}: FAILED — ${step.error ?? "unknown error"}`);
    else if (step.status === "skipped") lines.push(`${inner}${label}: skipped (its "if" was false)`);
    else {
      lines.push(`${inner}${label}: ok`);
      for (const detail of stepDetails(step, run.dryRun)) lines.push(`${inner}  ${detail}`);
    }
    for (const call of run.calls?.filter((c) => c.step === step.index) ?? []) {
      lines.push(`${inner}  ${run.dryRun ? "would call" : "called"} ${formatCall(oneLine(call))}`);
    }
  }
  return lines;
}

/**
 * An SNS message as the subscribed queue received it: subject, then the body's first lines.
 *
 * @example
 * narrateMessage({ subject: "[Scale-Out] web-asg: 3 -> 4", message: "{...}" }, 4);
 */
export function narrateMessage(message: { subject?: string; message: string }, maxLines = 6, indent = "  "): string[] {
  const body = message.message.split("\n");
  const shown = body.slice(0, maxLines).map((line) => `${indent}  | ${line}`);
  if (body.length > maxLines) shown.push(`${indent}  | ... (${body.length - maxLines} more line${body.length - maxLines === 1 ? "" : "s"})`);
  return [`${indent}message "${message.subject ?? "(no subject)"}"`, ...shown];
}
