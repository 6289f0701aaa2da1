import { terminalProgress } from "../engine/progress.ts";
import type { DemoIO } from "./play.ts";

/**
 * Where the demo writes: lines to `stream`, plus the engine's progress display when `stream`
 * is a terminal. A progress line without a known total stays open, so the next line first
 * closes it instead of being glued to its end.
 *
 * @example
 * const io = terminalOutput(process.stdout);
 * io.out("hello");
 */
export function terminalOutput(stream: NodeJS.WriteStream): DemoIO {
  let open = false;
  const write = (line: string) => {
    if (open) stream.write("\n");
    open = false;
    stream.write(`${line}\n`);
  };
  if (!stream.isTTY) return { out: write };
  const draw = terminalProgress(stream);
  return {
    out: write,
    progress(done, total, what) {
      draw(done, total, what);
      open = !(total !== undefined && done >= total);
    },
  };
}
