import { createHash } from "node:crypto";
import { EventError } from "./errors.ts";

/** The envelope EventBridge delivers. */
export interface EventBridgeEvent {
  version?: string;
  id: string;
  "detail-type": string;
  source: string;
  account?: string;
  time: string;
  region?: string;
  resources?: string[];
  detail: unknown;
  [key: string]: unknown;
}

/** Checks the envelope fields the engine relies on; names every missing or wrong one. */
export function assertEvent(value: unknown): EventBridgeEvent {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new EventError("an event must be a JSON object (an EventBridge event)");
  const event = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ["id", "source", "detail-type", "time"]) {
    if (typeof event[field] !== "string" || event[field] === "") problems.push(`"${field}" must be a non-empty string`);
  }
  if (typeof event.time === "string" && Number.isNaN(Date.parse(event.time))) problems.push(`"time" must be an ISO 8601 instant, got ${JSON.stringify(event.time)}`);
  if (event.detail !== undefined && (typeof event.detail !== "object" || event.detail === null || Array.isArray(event.detail))) problems.push(`"detail" must be an object`);
  if (problems.length) throw new EventError(`malformed event: ${problems.join("; ")}`);
  return { ...event, detail: event.detail ?? {} } as EventBridgeEvent;
}

/** A stable UUID-shaped id derived from text, so a replayed scheduled run has the same event id. */
function stableId(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The "Scheduled Event" EventBridge sends when a schedule rule fires at `at`.
 *
 * @example
 * scheduledEvent("nightly-maintenance", new Date("2026-01-01T02:00:00Z"))
 */
export function scheduledEvent(policyName: string, at: Date, options: { account?: string; region?: string; ruleName?: string } = {}): EventBridgeEvent {
  if (Number.isNaN(at.getTime())) throw new EventError("the schedule instant is not a valid date");
  const region = options.region ?? process.env.AWS_REGION ?? "us-east-1";
  const account = options.account ?? "000000000000";
  const time = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    version: "0",
    id: stableId(`${policyName}@${time}`),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account,
    time,
    region,
    resources: [`arn:aws:events:${region}:${account}:rule/${options.ruleName ?? `caretaker-${policyName}`}`],
    detail: {},
  };
}

export function isScheduledEvent(event: EventBridgeEvent): boolean {
  return event.source === "aws.events" && event["detail-type"] === "Scheduled Event";
}
