import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/** A running moto server on a loopback port. */
export interface MotoServer {
  endpoint: string;
  port: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export const MOTO_INSTALL_HINT = "pip install 'moto[server]'";

/** The environment an AWS SDK client needs to talk to the emulator. */
export function emulatorEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function motoAvailable(): boolean {
  const probe = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
  return !probe.error && probe.status === 0;
}

// moto's server handles requests on threads without locking its backends, so two concurrent
// conditional writes can both succeed (seen: 9 double claims in 30 tries). Real DynamoDB never
// does that. Serving requests one at a time (still on threads, so keep-alive works) restores it.
const LOCKED_MOTO = `
import sys, threading
import moto.server as server
lock = threading.Lock()
def serialized(app):
    def handle(environ, start_response):
        with lock:
            return list(app(environ, start_response))
    return handle
run = server.run_simple
server.run_simple = lambda host, port, app, **kw: run(host, port, serialized(app), **kw)
server.main(sys.argv[1:])
`;

function shebangPython(script: string): string[] | undefined {
  const first = readFileSync(script, "utf8").split("\n", 1)[0] ?? "";
  const command = first.startsWith("#!") ? first.slice(2).trim().split(/\s+/) : [];
  return command.some((part) => /python/.test(part)) ? command : undefined;
}

/** The Python that runs moto_server (through a pyenv shim if need be), when it can import moto. */
function motoPython(): string[] | undefined {
  const onPath = (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "moto_server")).find((p) => existsSync(p));
  if (!onPath) return undefined;
  let command = shebangPython(onPath);
  if (!command) {
    const real = spawnSync("pyenv", ["which", "moto_server"], { encoding: "utf8" });
    if (!real.error && real.status === 0 && real.stdout.trim()) command = shebangPython(real.stdout.trim());
  }
  if (!command) return undefined;
  const probe = spawnSync(command[0]!, [...command.slice(1), "-c", "import moto.server"], { stdio: "ignore" });
  return !probe.error && probe.status === 0 ? command : undefined;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts moto_server on a free loopback port.
 *
 * @example
 * const moto = await startMoto();
 * process.env.AWS_ENDPOINT_URL = moto.endpoint;
 * await moto.stop();
 */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<MotoServer> {
  if (!motoAvailable()) {
    throw new Error(`moto_server was not found on PATH. Install it with: ${MOTO_INSTALL_HINT}`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const python = motoPython();
  const args = ["-H", "127.0.0.1", "-p", String(port)];
  const [command, ...commandArgs] = python ? [...python, "-c", LOCKED_MOTO, ...args] : ["moto_server", ...args];
  const child = spawn(command!, commandArgs, {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: "false" },
    stdio: "ignore",
    detached: false,
  });
  await waitUntilUp(endpoint, child, options.timeoutMs ?? 30_000);
  return {
    endpoint,
    port,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
