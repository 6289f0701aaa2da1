/**
 * Runs `work` over `items` with at most `limit` calls in flight, in order of `items`.
 * After the first failure no new call starts; the ones in flight finish, then the first
 * error is thrown, so the caller knows exactly which calls were made.
 *
 * @example
 * await forEachBounded(snapshotIds, 8, (id) => ec2.send(new DeleteSnapshotCommand({ SnapshotId: id })));
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure) throw failure.error;
}
