import { awsErrorCode } from "./ec2-snapshots.ts";

// EC2 answers RequestLimitExceeded; the others are what the SDK and other AWS APIs use for the same thing.
const THROTTLING_CODES = new Set(["RequestLimitExceeded", "Throttling", "ThrottlingException", "EC2ThrottledException"]);

export function isThrottling(error: unknown): boolean {
  return THROTTLING_CODES.has(awsErrorCode(error) ?? "");
}

/** Backoff for throttling that outlasts the SDK's own retries. */
export interface ThrottleBackoff {
  /** Extra attempts after the SDK gave up. */
  retries: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_THROTTLE_BACKOFF: ThrottleBackoff = { retries: 6, baseMs: 500, capMs: 20_000 };

/**
 * Calls `call`, and when it still fails with throttling after the SDK's retries, waits
 * (exponential backoff, full jitter) and calls again. The SDK's retry quota is shared per
 * client and runs dry under sustained throttling, which a batch of thousands of writes
 * meets by design; failing the whole batch then would only move the retry to Lambda.
 *
 * @example
 * await retryThrottled(() => ec2.send(new DeleteSnapshotCommand({ SnapshotId: id })));
 */
export async function retryThrottled<T>(call: () => Promise<T>, backoff: ThrottleBackoff = DEFAULT_THROTTLE_BACKOFF): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= backoff.retries || !isThrottling(error)) throw error;
      const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
