/** What a step left behind: enough to skip it on a retry and hand its output on. */
export interface StepCheckpoint {
  status: "ok" | "skipped" | "failed";
  output?: unknown;
  error?: string;
}

export type ClaimResult =
  | { status: "claimed"; checkpoints: Map<number, StepCheckpoint>; attempt: number }
  | { status: "completed"; summary: unknown }
  | { status: "in-progress"; leaseUntil: number };

/**
 * Exactly-once bookkeeping per (policy, event id). A run claims its key with a lease; each
 * completed step is checkpointed under the claim; a failed run releases the claim so a retry
 * resumes after the last completed step; a crashed run's lease expires and can be taken over.
 */
export interface StateStore {
  readonly kind: "memory" | "dynamodb";
  claim(key: string, owner: string, leaseMs: number): Promise<ClaimResult>;
  checkpoint(key: string, owner: string, step: number, checkpoint: StepCheckpoint): Promise<void>;
  complete(key: string, owner: string, summary: unknown): Promise<void>;
  release(key: string, owner: string, error: string): Promise<void>;
  /**
   * The first value remembered for a step of a run; every later attempt gets that value back.
   * An action records a decision here before its side effect, so a retry repeats the same
   * decision instead of deciding again from a world the first attempt already changed.
   */
  remember<T>(key: string, step: number, value: T): Promise<T>;
}

/** How long a finished run's record is kept, so late duplicates are still recognised. */
export const RECORD_TTL_SECONDS = 7 * 24 * 3600;
