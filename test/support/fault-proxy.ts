import { randomUUID } from "node:crypto";
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "./random.ts";

/** What can go wrong with one request. `delay` slows a request down and then lets it through. */
export const FaultKind = {
  throttle: "throttle",
  serverError: "server-error",
  reset: "reset",
  delay: "delay",
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/**
 * When a failing fault strikes: before forwarding (the service never saw the request) or after
 * (the service applied it and the answer was lost: the hard case for exactly-once).
 */
export const FaultPhase = { before: "before", after: "after" } as const;
export type FaultPhase = (typeof FaultPhase)[keyof typeof FaultPhase];

/** The AWS wire protocols, each with its own error shape. */
export type Protocol = "ec2" | "json" | "query" | "s3" | "unknown";

/** What the proxy could tell about a request before deciding its fate. */
export interface RequestInfo {
  /** Signing name from the SigV4 credential scope (`ec2`, `dynamodb`, `sns`, `autoscaling`, `s3`). */
  service: string;
  operation: string;
  protocol: Protocol;
}

export interface FaultProxyOptions {
  /** The emulator behind the proxy, e.g. process.env.AWS_ENDPOINT_URL. */
  target: string;
  /** Share of requests that get a fault, 0..1. */
  rate: number;
  seed: number;
  /** Relative weights of the kinds; default throttle 4, server-error 2, reset 2, delay 2. */
  weights?: Partial<Record<FaultKind, number>>;
  /** Share of failing faults struck after forwarding; default 0.3. */
  afterShare?: number;
  /** Delay range in ms for `delay`; default [20, 150]. */
  delayMs?: [number, number];
  /** Requests that may be faulted; default all. */
  eligible?: (info: RequestInfo) => boolean;
  /** Faults that strike for sure, once each: at the `nth` (default 1st) call of `service:Operation`. */
  scripted?: ScriptedFault[];
}

export interface ScriptedFault {
  operation: string;
  nth?: number;
  kind: Exclude<FaultKind, "delay">;
  phase: FaultPhase;
}

export interface FaultRecord {
  operation: string;
  kind: FaultKind;
  phase: FaultPhase;
}

/** Counts kept by the proxy, for assertions and for the printed figures. */
export interface FaultStats {
  calls: number;
  callsByOperation: Record<string, number>;
  faults: Record<FaultKind, number>;
  /** Requests the service accepted (2xx), whether or not the answer reached the client, by `service:Operation`. */
  applied: Record<string, number>;
  /** Failing faults struck after the service applied the request, by `service:Operation`. */
  appliedThenLost: Record<string, number>;
  log: FaultRecord[];
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT, to use as a client endpoint. */
  url: string;
  stats: FaultStats;
  /** Changes the fault rate from now on (0 turns faults off). */
  setRate(rate: number): void;
  resetStats(): void;
  close(): Promise<void>;
}


const SIGNING_SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

function s3Operation(method: string, url: URL): string {
  const q = url.searchParams;
  const keyed = url.pathname.split("/").filter(Boolean).length > 1;
  if (q.has("uploads")) return method === "POST" ? "CreateMultipartUpload" : "ListMultipartUploads";
  if (q.has("uploadId")) {
    if (method === "PUT") return "UploadPart";
    if (method === "POST") return "CompleteMultipartUpload";
    if (method === "DELETE") return "AbortMultipartUpload";
    return "ListParts";
  }
  if (q.has("tagging")) return `${method === "GET" ? "Get" : "Put"}ObjectTagging`;
  if (!keyed) return method === "GET" ? "ListObjects" : `${method}Bucket`;
  return { PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject", DELETE: "DeleteObject" }[method] ?? method;
}

/**
 * Tells service, operation and protocol from the request alone: the SigV4 scope names the
 * service, `X-Amz-Target` the JSON operations, `Action=` the form-encoded ones, method and
 * query string the S3 ones.
 */
export function describeRequest(req: IncomingMessage, body: Buffer): RequestInfo {
  const url = new URL(req.url ?? "/", "http://proxy");
  const service = SIGNING_SCOPE.exec(String(req.headers.authorization ?? ""))?.[1] ?? "unknown";
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return { service, operation: target.split(".").pop() ?? target, protocol: "json" };
  if (service === "s3") return { service, operation: s3Operation(req.method ?? "GET", url), protocol: "s3" };
  const contentType = String(req.headers["content-type"] ?? "");
  if (contentType.includes("x-www-form-urlencoded")) {
    const action = new URLSearchParams(body.toString("utf8")).get("Action") ?? "unknown";
    return { service, operation: action, protocol: service === "ec2" ? "ec2" : "query" };
  }
  return { service, operation: url.searchParams.get("Action") ?? "unknown", protocol: "unknown" };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The error each protocol's real service sends, so the SDK parses and classifies it as in production. */
export function faultReply(protocol: Protocol, kind: "throttle" | "server-error", pick: number): Reply {
  const requestId = randomUUID();
  const xml = { "content-type": "text/xml", "x-amzn-requestid": requestId };
  const throttle = kind === "throttle";
  switch (protocol) {
    case "ec2": {
      const [code, message] = throttle ? ["RequestLimitExceeded", "Request limit exceeded."] : ["InternalError", "An internal error has occurred."];
      return { status: throttle ? 503 : 500, headers: xml, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>` };
    }
    case "json": {
      const type = throttle ? (pick < 0.5 ? "ThrottlingException" : "ProvisionedThroughputExceededException") : "InternalServerError";
      const message = throttle ? "Rate of requests exceeds the allowed throughput." : "Internal server error";
      return {
        status: throttle ? 400 : 500,
        headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId, "x-amzn-errortype": type },
        body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
      };
    }
    case "s3": {
      const [code, message] = throttle ? ["SlowDown", "Please reduce your request rate."] : ["InternalError", "We encountered an internal error. Please try again."];
      return { status: throttle ? 503 : 500, headers: { "content-type": "application/xml", "x-amz-request-id": requestId }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>proxy</HostId></Error>` };
    }
    default: {
      const [type, code, message] = throttle ? ["Sender", "Throttling", "Rate exceeded"] : ["Receiver", "InternalFailure", "An internal error occurred."];
      return { status: throttle ? 400 : 500, headers: xml, body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>` };
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (res) => {
      readBody(res).then((data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }), reject);
    });
    upstream.on("error", reject);
    upstream.end(body);
  });
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = { throttle: 4, "server-error": 2, reset: 2, delay: 2 };

/**
 * Starts an HTTP proxy on a random loopback port in front of the emulator that injects AWS
 * faults at `rate`, deterministically for a seed (given the same request order).
 *
 * @example
 * const proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL!, rate: 0.2, seed: 7 });
 * const clients = createClients({ config: { endpoint: proxy.url } });
 * // ... run policies ...
 * proxy.stats.faults; // { throttle: 31, "server-error": 14, reset: 12, delay: 15 }
 * await proxy.close();
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const totalWeight = Object.values(weights).reduce((a, b) => a + b, 0);
  const afterShare = options.afterShare ?? 0.3;
  const [delayMin, delayMax] = options.delayMs ?? [20, 150];
  let rate = options.rate;
  const scripted = options.scripted ?? [];
  const fresh = (): FaultStats => ({ calls: 0, callsByOperation: {}, faults: { throttle: 0, "server-error": 0, reset: 0, delay: 0 }, applied: {}, appliedThenLost: {}, log: [] });
  const proxy = { stats: fresh() } as { stats: FaultStats };

  function chooseKind(): FaultKind {
    let roll = random() * totalWeight;
    for (const kind of Object.values(FaultKind)) {
      roll -= weights[kind];
      if (roll < 0) return kind;
    }
    return FaultKind.delay;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const info = describeRequest(req, body);
    const name = `${info.service}:${info.operation}`;
    const stats = proxy.stats;
    stats.calls += 1;
    stats.callsByOperation[name] = (stats.callsByOperation[name] ?? 0) + 1;
    // Every random draw happens for every request, so one seed gives one sequence of decisions.
    const [hit, kindRoll, phaseRoll, pick] = [random() < rate, chooseKind(), random(), random()];
    const script = scripted.find((f) => f.operation === name && (f.nth ?? 1) === stats.callsByOperation[name]);
    const drawn = hit && (options.eligible?.(info) ?? true) ? kindRoll : undefined;
    const kind = script?.kind ?? drawn;
    const phase = script?.phase ?? (kind && kind !== FaultKind.delay && phaseRoll < afterShare ? FaultPhase.after : FaultPhase.before);
    if (kind) {
      stats.faults[kind] += 1;
      stats.log.push({ operation: name, kind, phase });
    }
    if (kind === FaultKind.delay) await new Promise((r) => setTimeout(r, delayMin + pick * (delayMax - delayMin)));

    const fail = () => {
      if (kind === FaultKind.reset) {
        req.socket.destroy();
        return;
      }
      const reply = faultReply(info.protocol, kind as "throttle" | "server-error", pick);
      res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(reply.body)) });
      res.end(reply.body);
    };
    if (kind && kind !== FaultKind.delay && phase === FaultPhase.before) return fail();
    const answer = await forward(target, req, body);
    if (answer.status < 300) stats.applied[name] = (stats.applied[name] ?? 0) + 1;
    if (kind && kind !== FaultKind.delay) {
      // Only a request the service accepted counts as applied; an error answer changed nothing.
      if (answer.status < 300) stats.appliedThenLost[name] = (stats.appliedThenLost[name] ?? 0) + 1;
      return fail();
    }
    const headers = { ...answer.headers };
    delete headers["transfer-encoding"];
    res.writeHead(answer.status, { ...headers, "content-length": String(answer.body.length) });
    res.end(answer.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`fault proxy: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get stats() {
      return proxy.stats;
    },
    setRate(next) {
      rate = next;
    },
    resetStats() {
      proxy.stats = fresh();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** One line per figure, for a test to print. */
export function formatFaultStats(stats: FaultStats): string {
  const faults = Object.entries(stats.faults).map(([k, n]) => `${k}=${n}`).join(" ");
  const failing = stats.log.filter((f) => f.kind !== FaultKind.delay);
  const after = failing.filter((f) => f.phase === FaultPhase.after).length;
  const lost = Object.entries(stats.appliedThenLost).map(([op, n]) => `${op}=${n}`).join(" ") || "none";
  return `calls=${stats.calls} faults: ${faults} (failing ${failing.length}, ${after} after forwarding); applied-then-lost: ${lost}`;
}
