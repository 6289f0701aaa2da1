import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import notify from "../../actions/notify.ts";
import { fitMessage, sanitizeSubject, SNS_LIMITS, toMessageAttributes, truncationMarker } from "../../actions/lib/notify-message.ts";
import type { ActionContext } from "../../engine/action-contract.ts";
import { CaretakerError, ExpressionError, LimitError } from "../../engine/errors.ts";
import { checkRenderedParams } from "../../engine/params.ts";
import { testContext } from "../support/action-context.ts";

const sns = new SNSClient({});
const sqs = new SQSClient({});

interface Envelope {
  MessageId: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

function run(params: Record<string, unknown>, ctx: ActionContext = testContext()): Promise<{ topic: string; messageId: string }> {
  return notify.run(params as never, ctx) as Promise<unknown> as Promise<{ topic: string; messageId: string }>;
}

let counter = 0;
/** A topic with an SQS queue subscribed (SNS envelope, not raw), to observe what SNS delivered. */
async function topicWithQueue(fifo = false): Promise<{ topic: string; queueUrl: string }> {
  counter += 1;
  const suffix = fifo ? ".fifo" : "";
  const topic = await sns.send(
    new CreateTopicCommand({ Name: `alerts-${counter}${suffix}`, Attributes: fifo ? { FifoTopic: "true" } : undefined }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: `inbox-${counter}${suffix}`, Attributes: fifo ? { FifoQueue: "true" } : undefined }),
  );
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "false" } }));
  return { topic: topic.TopicArn!, queueUrl: queue.QueueUrl! };
}

async function received(queueUrl: string): Promise<Envelope[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Envelope);
}

async function receivedOne(queueUrl: string): Promise<Envelope> {
  const messages = await received(queueUrl);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

describe("sanitizeSubject", () => {
  it.each([
    ["plain", "Disk space low on i-0abc", "Disk space low on i-0abc"],
    ["line breaks and tabs", "CPU high\r\n\ton web-1", "CPU high on web-1"],
    ["accents and typography", "Café “prod” – naïve…", 'Cafe "prod" - naive...'],
    ["emoji, one ? per code point", "🔥 alarm 🔥", "? alarm ?"],
    ["other scripts", "警报 alarm", "?? alarm"],
    ["controls and zero-width", "a\u0000b\u200Bc\u007Fd", "a bc d"],
    ["leading spaces and punctuation", "   [ALARM] x", "[ALARM] x"],
  ])("%s", (_label, input, expected) => {
    expect(sanitizeSubject(input)).toBe(expected);
  });

  it("is undefined when nothing printable is left", () => {
    expect(sanitizeSubject(" \n\t ")).toBeUndefined();
    expect(sanitizeSubject(undefined)).toBeUndefined();
  });

  it("keeps exactly 100 characters and cuts longer subjects to 100 ending in ...", () => {
    expect(sanitizeSubject("a".repeat(100))).toBe("a".repeat(100));
    const cut = sanitizeSubject("b".repeat(101))!;
    expect(cut).toHaveLength(100);
    expect(cut.endsWith("...")).toBe(true);
  });

  it("always yields SNS-acceptable ASCII of at most 100 characters (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (input) => {
        const subject = sanitizeSubject(input);
        if (subject === undefined) return;
        expect(subject.length).toBeGreaterThan(0);
        expect(subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectChars);
        expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
      }),
    );
  });
});

describe("fitMessage", () => {
  it("returns a message that fits unchanged", () => {
    expect(fitMessage("hello", 5)).toEqual({ message: "hello", omittedBytes: 0 });
  });

  it("cuts at a character boundary, ends with the marker and stays within the budget (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 600, size: "max" }), fc.integer({ min: 60, max: 1500 }), (text, budget) => {
        const original = Buffer.from(text, "utf8").toString("utf8"); // what SNS receives for lone surrogates
        const { message, omittedBytes } = fitMessage(original, budget);
        if (omittedBytes === 0) {
          expect(message).toBe(original);
          expect(Buffer.byteLength(original)).toBeLessThanOrEqual(budget);
          return;
        }
        expect(Buffer.byteLength(message)).toBeLessThanOrEqual(budget);
        const marker = truncationMarker(omittedBytes);
        expect(message.endsWith(marker)).toBe(true);
        const kept = message.slice(0, -marker.length);
        expect(original.startsWith(kept)).toBe(true);
        expect(Buffer.byteLength(kept) + omittedBytes).toBe(Buffer.byteLength(original));
      }),
    );
  });
});

describe("toMessageAttributes", () => {
  it("maps strings, numbers and string lists to their SNS types and drops empty strings", () => {
    expect(toMessageAttributes({ severity: "high", cpu: 93.5, hosts: ["a", "b"], empty: "" })).toEqual({
      severity: { DataType: "String", StringValue: "high" },
      cpu: { DataType: "Number", StringValue: "93.5" },
      hosts: { DataType: "String.Array", StringValue: '["a","b"]' },
    });
  });
});

describe("notify against moto", () => {
  it("publishes a string message with its subject and returns the message id", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    const out = await run({ topic, subject: "[Auto-Snapshot] i-0abc (stopped)", message: "2 snapshots created" });
    const envelope = await receivedOne(queueUrl);
    expect(out).toEqual({ topic, messageId: envelope.MessageId });
    expect(envelope.Subject).toBe("[Auto-Snapshot] i-0abc (stopped)");
    expect(envelope.Message).toBe("2 snapshots created");
  });

  it("sends objects as JSON indented by two spaces", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    const output = { group: "web", previous: 2, desired: 3, changed: true, snapshots: [{ id: "snap-1" }] };
    await run({ topic, message: output });
    const envelope = await receivedOne(queueUrl);
    expect(envelope.Message).toBe(JSON.stringify(output, null, 2));
    expect(envelope.Subject).toBeUndefined();
  });

  it("sends numbers, booleans and null as their JSON text", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    await run({ topic, message: 42 });
    await run({ topic, message: false });
    await run({ topic, message: null });
    expect((await received(queueUrl)).map((e) => e.Message).sort()).toEqual(["42", "false", "null"]);
  });

  it("delivers a sanitized, truncated subject", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    const subject = `Café alarm\non “web-1” 🔥 ${"x".repeat(200)}`;
    await run({ topic, subject, message: "m" });
    const envelope = await receivedOne(queueUrl);
    expect(envelope.Subject).toHaveLength(100);
    expect(envelope.Subject!.startsWith('Cafe alarm on "web-1" ? xxx')).toBe(true);
    expect(envelope.Subject!.endsWith("...")).toBe(true);
  });

  it("publishes attributes with String, Number and String.Array types", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    await run({ topic, message: "m", attributes: { severity: "high", cpu: 93.5, hosts: ["web-1", "web-2"] } });
    const envelope = await receivedOne(queueUrl);
    expect(envelope.MessageAttributes).toEqual({
      severity: { Type: "String", Value: "high" },
      cpu: { Type: "Number", Value: "93.5" },
      hosts: { Type: "String.Array", Value: '["web-1","web-2"]' },
    });
  });

  it("cuts a 300 KB multibyte message to SNS's limit with a marker instead of failing", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    const attributes = { severity: "high" };
    // 3-byte and 4-byte characters make a cut in the middle of one likely if the code were careless.
    const message = "€😀a".repeat(40_000);
    const originalBytes = Buffer.byteLength(message);
    expect(originalBytes).toBeGreaterThan(300_000);
    await run({ topic, subject: "big", message, attributes });
    const envelope = await receivedOne(queueUrl);
    const deliveredBytes = Buffer.byteLength(envelope.Message);
    const attributeBytes = "severity".length + "String".length + "high".length;
    expect(deliveredBytes + attributeBytes + "big".length).toBeLessThanOrEqual(SNS_LIMITS.publishBytes);
    expect(deliveredBytes).toBeGreaterThan(SNS_LIMITS.publishBytes - 200);
    const match = /\n…\[truncated by caretaker: (\d+) bytes omitted\]$/.exec(envelope.Message);
    expect(match).not.toBeNull();
    const kept = envelope.Message.slice(0, match!.index);
    expect(message.startsWith(kept)).toBe(true);
    expect(Buffer.byteLength(kept) + Number(match![1])).toBe(originalBytes);
    expect(kept).not.toContain("\uFFFD");
  });

  it("publishes to a FIFO topic with the policy as group, and a redelivered event is deduplicated", async () => {
    const { topic, queueUrl } = await topicWithQueue(true);
    const ctx = testContext({ eventId: "evt-1", policy: { name: "cpu-alarm", version: "abcdefabcdef" } });
    await run({ topic, subject: "s", message: "scaled" }, ctx);
    await run({ topic, subject: "s", message: "scaled" }, testContext({ eventId: "evt-1", policy: { name: "cpu-alarm", version: "abcdefabcdef" } }));
    await run({ topic, subject: "s", message: "scaled" }, testContext({ eventId: "evt-2", policy: { name: "cpu-alarm", version: "abcdefabcdef" } }));
    const input = ctx.clients.recorder.calls[0]!.input;
    expect(input.MessageGroupId).toBe("cpu-alarm");
    expect(input.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(await received(queueUrl)).toHaveLength(2);
  });

  it("fails with a CaretakerError, publishing nothing, when the message renders empty", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    await expect(run({ topic, message: "" })).rejects.toBeInstanceOf(CaretakerError);
    expect(await received(queueUrl)).toEqual([]);
  });

  it("refuses when max-resources is 0", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    await expect(run({ topic, message: "m" }, testContext({ maxResources: 0 }))).rejects.toBeInstanceOf(LimitError);
    expect(await received(queueUrl)).toEqual([]);
  });

  it("in a dry run publishes nothing and records the planned call", async () => {
    const { topic, queueUrl } = await topicWithQueue();
    const ctx = testContext({ clientOptions: { dryRun: true } });
    const out = await run({ topic, subject: "s", message: { a: 1 }, attributes: { n: 1 } }, ctx);
    expect(out).toEqual({ topic, messageId: "dry-run-1" });
    expect(ctx.clients.recorder.calls).toEqual([
      {
        step: null,
        service: "SNS",
        operation: "Publish",
        input: { TopicArn: topic, Subject: "s", Message: '{\n  "a": 1\n}', MessageAttributes: { n: { DataType: "Number", StringValue: "1" } } },
      },
    ]);
    expect(await received(queueUrl)).toEqual([]);
  });
});

describe("notify params", () => {
  const where = { policy: "p", step: 0 };
  const topic = "arn:aws:sns:us-east-1:123456789012:ops-alerts";

  it.each([
    { topic, message: "m" },
    { topic: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops.fifo", message: { a: 1 } },
    { topic, subject: "s", message: null, attributes: { "a.b": "x", c_d: 1, "e-f": ["g"] } },
  ])("accepts %j", (params) => {
    expect(() => checkRenderedParams(notify, { ...params }, where)).not.toThrow();
  });

  it.each([
    { message: "m" },
    { topic },
    { topic: "ops-alerts", message: "m" },
    { topic: "arn:aws:sqs:us-east-1:123456789012:q", message: "m" },
    { topic, message: "m", attributes: { "AWS.x": "v" } },
    { topic, message: "m", attributes: { "amazon.x": "v" } },
    { topic, message: "m", attributes: { "a..b": "v" } },
    { topic, message: "m", attributes: { ".a": "v" } },
    { topic, message: "m", attributes: { "a b": "v" } },
    { topic, message: "m", attributes: { a: true } },
    { topic, message: "m", attributes: { a: [1] } },
    { topic, message: "m", extra: 1 },
  ])("rejects %j", (params) => {
    expect(() => checkRenderedParams(notify, { ...params }, where)).toThrow(ExpressionError);
  });
});

describe("notify permissions", () => {
  const ctx = { partition: "aws-cn", region: "cn-north-1", account: "111122223333" };
  it("grants Publish on the topic when it is static", () => {
    const topic = "arn:aws-cn:sns:cn-north-1:111122223333:ops";
    expect(notify.meta.permissions({ topic }, ctx)).toEqual([{ actions: ["sns:Publish"], resources: [topic] }]);
  });

  it("grants Publish on the account's topics in the region when the topic is a template", () => {
    expect(notify.meta.permissions({}, ctx)).toEqual([{ actions: ["sns:Publish"], resources: ["arn:aws-cn:sns:cn-north-1:111122223333:*"] }]);
  });
});
