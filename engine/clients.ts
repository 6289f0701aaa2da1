import { EC2Client } from "@aws-sdk/client-ec2";
import { SNSClient } from "@aws-sdk/client-sns";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CallRecorder, callRecorderPlugin } from "./dry-run.ts";

/** Every AWS client an action may use, built lazily with the same configuration. */
export interface Clients {
  readonly ec2: EC2Client;
  readonly sns: SNSClient;
  readonly autoScaling: AutoScalingClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly eventBridge: EventBridgeClient;
  readonly recorder: CallRecorder;
}

export interface ClientOptions {
  dryRun?: boolean;
  recorder?: CallRecorder;
  /** SDK attempts per call; throttling and 5xx are retried with exponential backoff and full jitter. */
  maxAttempts?: number;
  /** Extra client config (tests use it to inject a request handler). */
  config?: Record<string, unknown>;
}

/** Shared config: the standard credential chain, AWS_REGION and AWS_ENDPOINT_URL are read by the SDK itself. */
export function clientConfig(options: ClientOptions = {}): Record<string, unknown> {
  const config: Record<string, unknown> = {
    maxAttempts: options.maxAttempts ?? 8,
    retryMode: "standard",
    ...options.config,
  };
  // moto and other emulators serve S3 at the endpoint's path, not as virtual hosts.
  if (process.env.AWS_ENDPOINT_URL) config.forcePathStyle = true;
  return config;
}

/**
 * The one function that builds AWS clients. Each gets the call recorder (dry-run) plugin.
 *
 * @example
 * const clients = createClients({ dryRun: true });
 * await clients.ec2.send(new DeleteSnapshotCommand({ SnapshotId: "snap-1" })); // recorded, not sent
 * clients.recorder.calls; // [{ service: "EC2", operation: "DeleteSnapshot", ... }]
 */
export function createClients(options: ClientOptions = {}): Clients {
  const recorder = options.recorder ?? new CallRecorder();
  const config = clientConfig(options);
  const plugin = callRecorderPlugin(recorder, options.dryRun ?? false);
  const cache = new Map<string, { middlewareStack: { use(p: unknown): void } }>();
  function lazy<T extends { middlewareStack: { use(p: unknown): void } }>(key: string, make: () => T): T {
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      client.middlewareStack.use(plugin);
      cache.set(key, client);
    }
    return client;
  }
  return {
    recorder,
    get ec2() { return lazy("ec2", () => new EC2Client(config)); },
    get sns() { return lazy("sns", () => new SNSClient(config)); },
    get autoScaling() { return lazy("autoScaling", () => new AutoScalingClient(config)); },
    get s3() { return lazy("s3", () => new S3Client(config)); },
    get dynamodb() { return lazy("dynamodb", () => new DynamoDBClient(config)); },
    get eventBridge() { return lazy("eventBridge", () => new EventBridgeClient(config)); },
  };
}
