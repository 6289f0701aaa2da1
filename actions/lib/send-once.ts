/** Thrown inside the SDK's retry loop to stop it: an earlier attempt was applied. */
class AppliedEarlier<F> extends Error {
  override name = "AppliedEarlier";
  constructor(readonly found: F) {
    super("an earlier attempt of this call was applied; its answer was lost");
  }
}

/** The part of an SDK command this needs: its own middleware stack. */
interface SendableCommand {
  middlewareStack: { add(middleware: never, options: { step: "finalizeRequest"; priority: "low"; name: string }): void };
}

/**
 * Sends a call that has no idempotency token (EC2 CreateSnapshot) so that the SDK's own retries
 * never apply it twice. A throttle or 5xx answer means nothing was applied, but a reset connection
 * or timeout may hide a call that was: before every retry, `probe` looks for the earlier attempt's
 * effect, and when it finds one the retrying stops and that is the result.
 *
 * @example
 * const command = new CreateSnapshotCommand(input);
 * const result = await sendOnce(command, () => ec2.send(command), () => findSnapshotOf(volumeId));
 * const snapshotId = "found" in result ? result.found : result.output.SnapshotId;
 */
export async function sendOnce<O, F>(
  command: SendableCommand,
  send: () => Promise<O>,
  probe: () => Promise<F | undefined>,
): Promise<{ output: O } | { found: F }> {
  let attempts = 0;
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    attempts += 1;
    if (attempts > 1) {
      const found = await probe();
      if (found !== undefined) throw new AppliedEarlier(found);
    }
    return next(args);
  };
  // Inside the retry middleware (same step, lower priority): runs once per attempt.
  command.middlewareStack.add(middleware as never, { step: "finalizeRequest", priority: "low", name: "probeBeforeRetry" });
  try {
    return { output: await send() };
  } catch (error) {
    if (error instanceof AppliedEarlier) return { found: error.found as F };
    throw error;
  }
}
