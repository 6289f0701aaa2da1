/** A one-line progress display for terminals; callers pass it only when stdout is a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number | undefined, what: string) => void {
  let last = 0;
  return (done, total, what) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - last < 200) return;
    last = now;
    stream.write(`\r  ${what}: ${done}${total !== undefined ? `/${total}` : ""}${finished ? "\n" : ""}`);
  };
}
