import { CaretakerError } from "../engine/errors.ts";
import { openEmulator, type DemoEmulator } from "./emulator.ts";
import { terminalOutput } from "./terminal-output.ts";

// The demo is a newcomer's first look; these notices concern future SDK releases, not this run.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const io = terminalOutput(process.stdout);
const out = io.out;
let opening: Promise<DemoEmulator> | undefined;
let stopping: Promise<void> | undefined;

/**
 * Stops moto at most once, also when it is still starting (a failure elsewhere must not leave it
 * running and holding the process open), and never waits on it for long.
 */
function shutDown(): Promise<void> {
  const stop = async () => (await opening?.catch(() => undefined))?.stop();
  stopping ??= Promise.race([stop(), new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]).catch(() => undefined);
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\ncaretaker demo: ${signal}, stopping the emulator\n`);
    void shutDown().then(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  out("Caretaker demo: the seed's maintenance bot on a local AWS emulator (no AWS account needed)");
  // Loading the engine and starting moto both take seconds: do them side by side.
  opening = openEmulator(process.env);
  const [opened, { playDemo }] = await Promise.all([opening, import("./play.ts")]);
  out(opened.started ? `Started moto_server at ${opened.endpoint}` : `Using the emulator at AWS_ENDPOINT_URL=${opened.endpoint} (reset first)`);
  const summary = await playDemo(io);
  out("");
  out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Next: write your own policy in policies/, then \`npx caretaker validate\` and \`npx caretaker test\`.`);
  out(`DEMO-SUMMARY ${JSON.stringify({ ...summary, emulator: { endpoint: opened.endpoint, started: opened.started } })}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  const message = error instanceof CaretakerError || (error as Error)?.message?.includes("moto_server") ? (error as Error).message : (error as Error)?.stack ?? String(error);
  process.stderr.write(`caretaker demo failed: ${message}\n`);
  process.exitCode = 1;
} finally {
  await shutDown();
}
