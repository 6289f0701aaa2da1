import type { TestProject } from "vitest/node";
import { startMoto, emulatorEnv, type MotoServer } from "../../emulator/moto-server.ts";

let moto: MotoServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  moto = await startMoto();
  project.provide("motoEndpoint", moto.endpoint);
  Object.assign(process.env, emulatorEnv(moto.endpoint));
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
