import type { InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput, MetadataBearer, Pluggable } from "@smithy/types";

/** One mutating AWS call, made (live) or planned (dry run). */
export interface RecordedCall {
  step: number | null;
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

/** Collects mutating calls; the runner moves `step` as it goes. */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];
  step: number | null = null;
  record(call: Omit<RecordedCall, "step">): RecordedCall {
    const entry = { step: this.step, ...call };
    this.calls.push(entry);
    return entry;
  }
}

// Reads by name: anything else, including a command we have never seen, counts as mutating.
const READ_PREFIXES = ["Describe", "Get", "List", "Scan", "Query", "Head", "BatchGet", "Select", "TestEventPattern"];

export function isReadOperation(operation: string): boolean {
  return READ_PREFIXES.some((prefix) => operation.startsWith(prefix));
}

// Placeholder outputs for the mutating calls whose answers later code reads.
const PLACEHOLDERS: Record<string, (input: Record<string, unknown>, n: number) => Record<string, unknown>> = {
  CreateSnapshot: (input, n) => ({ SnapshotId: `snap-dryrun${String(n).padStart(8, "0")}`, VolumeId: input.VolumeId, State: "pending" }),
  Publish: (_input, n) => ({ MessageId: `dry-run-${n}` }),
  CreateMultipartUpload: () => ({ UploadId: "dry-run" }),
  UploadPart: () => ({ ETag: '"dry-run"' }),
  PutObject: () => ({ ETag: '"dry-run"' }),
  CompleteMultipartUpload: () => ({ ETag: '"dry-run"' }),
};

/** Replaces payload bodies by their size so a plan stays printable. */
function summarize(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (value instanceof Uint8Array) out[key] = `<${value.byteLength} bytes>`;
    else if (typeof value === "string" && key === "Body") out[key] = `<${Buffer.byteLength(value)} bytes>`;
    else if (value && typeof value === "object" && typeof (value as { pipe?: unknown }).pipe === "function") out[key] = "<stream>";
    else out[key] = value;
  }
  return out;
}

/**
 * The SDK plugin behind dry runs and the `calls` list. At the initialize step it sees the
 * untouched input; a read passes through, a mutating call is recorded and, in a dry run,
 * answered with a placeholder instead of reaching AWS.
 */
export function callRecorderPlugin(recorder: CallRecorder, dryRun: boolean): Pluggable<any, any> {
  let counter = 0;
  return {
    applyToStack(stack) {
      stack.add(
        (next: InitializeHandler<any, MetadataBearer>, context) =>
          async (args: InitializeHandlerArguments<any>): Promise<InitializeHandlerOutput<MetadataBearer>> => {
            const service = String(context.clientName ?? "Unknown").replace(/Client$/, "");
            const operation = String(context.commandName ?? "Unknown").replace(/Command$/, "");
            if (isReadOperation(operation)) return next(args);
            recorder.record({ service, operation, input: summarize(args.input) });
            if (!dryRun) return next(args);
            counter += 1;
            const output = PLACEHOLDERS[operation]?.(args.input as Record<string, unknown>, counter) ?? {};
            return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: undefined };
          },
        { step: "initialize", name: "caretakerCallRecorder", priority: "high", override: true },
      );
    },
  };
}
