import type { RecordedCall } from "./dry-run.ts";
import type { RunResult, StepResult } from "./runner.ts";

function formatValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `EC2 DeleteSnapshot SnapshotId=snap-0abc`: one line per call. */
export function formatCall(call: RecordedCall): string {
  const args = Object.entries(call.input).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${formatValue(v)}`);
  return [call.service, call.operation, ...args].join(" ");
}

function summarizeOutput(output: unknown): string {
  if (!output || typeof output !== "object") return formatValue(output);
  return Object.entries(output as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.length}]` : formatValue(v)}`)
    .join(" ");
}

function formatStep(step: StepResult): string {
  const label = `step ${step.index} ${step.type}${step.id ? ` (${step.id})` : ""}`;
  const detail = step.status === "failed" ? step.error : step.status === "skipped" ? "condition false" : summarizeOutput(step.output);
  return `  ${label}: ${step.status}${step.resumed ? " (done earlier)" : ""}${detail ? ` — ${detail}` : ""}`;
}

/** The readable account of a run: header, calls per step, a summary per step. */
export function formatRun(result: RunResult): string[] {
  const lines = [`${result.dryRun ? "DRY RUN " : ""}${result.policy} @ ${result.version} event ${result.eventId}`];
  if (!result.triggered) {
    lines.push(`  not triggered (${result.reason === "filter" ? "filter was false" : "event does not match the trigger"})`);
    return lines;
  }
  if (result.reason === "duplicate") lines.push("  already done for this event: nothing changed");
  for (const step of result.steps) {
    lines.push(formatStep(step));
    for (const call of result.calls.filter((c) => c.step === step.index)) lines.push(`    ${result.dryRun ? "would call" : "called"} ${formatCall(call)}`);
  }
  lines.push(`${result.calls.length} ${result.dryRun ? "planned" : "mutating"} call${result.calls.length === 1 ? "" : "s"}`);
  return lines;
}
