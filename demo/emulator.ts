import { emulatorEnv, startMoto } from "../emulator/moto-server.ts";
import { CaretakerError } from "../engine/errors.ts";

/** The emulator the demo plays against: one it started, or the one AWS_ENDPOINT_URL names. */
export interface DemoEmulator {
  endpoint: string;
  /** True when the demo started moto itself (and so must stop it). */
  started: boolean;
  stop(): Promise<void>;
}

async function resetMoto(endpoint: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(new URL("/moto-api/reset", endpoint), { method: "POST" });
  } catch (error) {
    throw new CaretakerError(`AWS_ENDPOINT_URL=${endpoint} does not answer (${(error as Error).message}); unset it to let the demo start its own emulator`, { cause: error });
  }
  // The demo seeds fixed names (table, bucket, group), so it only runs on an emulator it can wipe.
  if (!response.ok) throw new CaretakerError(`AWS_ENDPOINT_URL=${endpoint} is not a moto server that can be reset (POST /moto-api/reset answered HTTP ${response.status}); unset it to let the demo start its own emulator`);
}

/**
 * Starts moto with the launcher the tests use, or reuses (and resets) the emulator that
 * AWS_ENDPOINT_URL names, then points this process's AWS configuration at it.
 *
 * @example
 * const emulator = await openEmulator(process.env);
 * try { await playDemo(io); } finally { await emulator.stop(); }
 */
export async function openEmulator(env: NodeJS.ProcessEnv = process.env): Promise<DemoEmulator> {
  const given = env.AWS_ENDPOINT_URL;
  if (given) {
    await resetMoto(given);
    // Keep what the caller configured; fill in only what the SDK would otherwise look for elsewhere.
    for (const [name, value] of Object.entries(emulatorEnv(given))) env[name] ??= value;
    return { endpoint: given, started: false, stop: async () => {} };
  }
  const moto = await startMoto();
  Object.assign(env, emulatorEnv(moto.endpoint));
  return { endpoint: moto.endpoint, started: true, stop: () => moto.stop() };
}
