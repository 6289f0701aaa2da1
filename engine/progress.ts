export type Progress = ((done: number, total: number | undefined, what: string) => void) & {
  /** Closes a progress line that is still open (its total was unknown or not reached). */
  end(): void;
};

/** A one-line progress display for terminals; callers pass it only when output is a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let last = 0;
  let open = false;
  const report = (done: number, total: number | undefined, what: string) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - last < 200) return;
    last = now;
    stream.write(`\r  ${what}: ${done}${total !== undefined ? `/${total}` : ""}${finished ? "\n" : ""}`);
    open = !finished;
  };
  return Object.assign(report, {
    end() {
      if (open) stream.write("\n");
      open = false;
    },
  });
}
