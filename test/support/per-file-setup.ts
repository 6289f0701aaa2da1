import { beforeAll, inject } from "vitest";
import { emulatorEnv } from "../../emulator/moto-server.ts";

const endpoint = inject("motoEndpoint");
Object.assign(process.env, emulatorEnv(endpoint));

beforeAll(async () => {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
});
