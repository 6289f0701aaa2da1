/**
 * Every error Caretaker throws on purpose. Users see `message` (and for policy
 * problems `file:line:col: message`), never a stack trace.
 */
export class CaretakerError extends Error {
  override name = "CaretakerError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** One problem found in a policy file; `id` is stable and used by tests. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  id: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** The policies could not be loaded; carries every problem, not only the first. */
export class PolicyError extends CaretakerError {
  override name = "PolicyError";
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}

/** The command line was used wrongly (exit code 2). */
export class UsageError extends CaretakerError {
  override name = "UsageError";
}

/** A step of a policy failed while running. */
export class StepError extends CaretakerError {
  override name = "StepError";
  constructor(
    message: string,
    readonly policy: string,
    readonly step: number,
    readonly stepType: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A template or expression failed at run time (bad value, nothing where a value is required). */
export class ExpressionError extends CaretakerError {
  override name = "ExpressionError";
  constructor(
    message: string,
    readonly where: { policy?: string; step?: number; param?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An action would change more resources than `limits.max-resources` allows. */
export class LimitError extends CaretakerError {
  override name = "LimitError";
  constructor(
    readonly what: string,
    readonly count: number,
    readonly limit: number,
  ) {
    super(`would change ${count} ${what}, above limits.max-resources ${limit}; nothing was changed. Raise limits.max-resources or narrow the selection`);
  }
}

/** An input event could not be understood (malformed delivery). */
export class EventError extends CaretakerError {
  override name = "EventError";
}

/** sync-rules found a rule it must not touch, or a rule EventBridge would reject. */
export class DeployError extends CaretakerError {
  override name = "DeployError";
}

/** Another invocation holds the claim for this (policy, event). */
export class InProgressError extends CaretakerError {
  override name = "InProgressError";
}
