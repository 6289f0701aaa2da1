import { createHash } from "node:crypto";
import { PublishCommand, type PublishCommandInput } from "@aws-sdk/client-sns";
import { defineAction } from "../engine/action-contract.ts";
import { CaretakerError } from "../engine/errors.ts";
import { attributeBytes, fitMessage, renderMessage, sanitizeSubject, SNS_LIMITS, toMessageAttributes } from "./lib/notify-message.ts";

const notifyParams = {
  type: "object",
  properties: {
    topic: {
      type: "string",
      description: "ARN of the SNS topic (a FIFO topic gets the policy name as message group).",
      pattern: "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$",
    },
    subject: {
      type: "string",
      description: "E-mail subject; made printable ASCII on one line and cut to 100 characters.",
    },
    message: {
      description: "Any value: a string is sent as it is, anything else as JSON indented by two spaces. Cut with a marker above SNS's 256 KB.",
    },
    attributes: {
      type: "object",
      description: "SNS message attributes: a string becomes String, a number Number, a list of strings String.Array.",
      // SNS attribute names: letters, digits, `-`, `_`, `.`; no leading, trailing or doubled `.`; no AWS./Amazon. prefix.
      propertyNames: {
        pattern: "^(?![Aa][Ww][Ss]\\.|[Aa][Mm][Aa][Zz][Oo][Nn]\\.)(?!.*\\.\\.)[A-Za-z0-9_-](?:[A-Za-z0-9_.-]{0,254}[A-Za-z0-9_-])?$",
      },
      additionalProperties: {
        anyOf: [{ type: "string" }, { type: "number" }, { type: "array", items: { type: "string" } }],
      },
    },
  },
  required: ["topic", "message"],
  additionalProperties: false,
} as const;

function isFifoTopic(topic: string): boolean {
  return topic.endsWith(".fifo");
}

export default defineAction<typeof notifyParams>({
  meta: {
    type: "notify",
    description: "Publishes a message to an SNS topic: subject made safe for SNS, objects as indented JSON, oversized messages cut with a marker instead of rejected.",
    kind: "write",
    params: notifyParams,
    permissions(params, { partition, region, account }) {
      return [{ actions: ["sns:Publish"], resources: [params.topic ?? `arn:${partition}:sns:${region}:${account}:*`] }];
    },
    example: {
      topic: "arn:aws:sns:us-east-1:123456789012:ops-alerts",
      subject: "[Auto-Scale] {% $group %} scaled out",
      message: "{% $steps.scale %}",
      attributes: { severity: "high" },
    },
  },

  async run(params, ctx) {
    ctx.assertWithinLimit(1, "messages");
    const subject = sanitizeSubject(params.subject);
    const attributes = toMessageAttributes(params.attributes);
    const body = renderMessage(params.message);
    if (body === "") throw new CaretakerError(`notify: the message for ${params.topic} rendered empty; SNS does not accept an empty message`);

    // The subject is not documented as counted; counting it costs at most 100 bytes and is safe either way.
    const budget = SNS_LIMITS.publishBytes - attributeBytes(attributes) - Buffer.byteLength(subject ?? "");
    let fitted;
    try {
      fitted = fitMessage(body, budget);
    } catch (error) {
      throw new CaretakerError(`notify: the message attributes for ${params.topic} leave no room for a message within SNS's ${SNS_LIMITS.publishBytes} bytes`, { cause: error });
    }
    if (fitted.omittedBytes > 0) ctx.log.warn("message truncated to fit SNS", { topic: params.topic, omittedBytes: fitted.omittedBytes });

    const input: PublishCommandInput = { TopicArn: params.topic, Message: fitted.message };
    if (subject !== undefined) input.Subject = subject;
    if (Object.keys(attributes).length > 0) input.MessageAttributes = attributes;
    if (isFifoTopic(params.topic)) {
      // A redelivered event publishes the same id, which SNS drops within its 5-minute deduplication window.
      input.MessageGroupId = ctx.policy.name;
      input.MessageDeduplicationId = createHash("sha256")
        .update(JSON.stringify([ctx.policy.name, ctx.event.id, params.topic, subject ?? null, fitted.message]))
        .digest("hex");
    }

    const published = await ctx.clients.sns.send(new PublishCommand(input));
    if (!published.MessageId) throw new CaretakerError(`notify: SNS returned no MessageId for ${params.topic}`);
    return { topic: params.topic, messageId: published.MessageId };
  },
});
