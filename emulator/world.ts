import { CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { BatchWriteItemCommand, CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateLaunchTemplateCommand, CreateSnapshotCommand, RegisterImageCommand, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { marshall } from "@aws-sdk/util-dynamodb";
import { createClients } from "../engine/clients.ts";

/** What seedWorld made: ids to build events from and the environment the example policies read. */
export interface World {
  imageId: string;
  optedIn: { instanceId: string; volumeIds: string[] };
  notOptedIn: { instanceId: string; volumeIds: string[] };
  oldSnapshotIds: string[];
  unmanagedSnapshotId: string;
  topicArn: string;
  queueUrl: string;
  table: string;
  bucket: string;
  group: string;
  metrics: { yesterday: Record<string, unknown>[]; older: Record<string, unknown>[] };
  env: Record<string, string>;
}

function day(date: Date, offsetDays: number): string {
  return new Date(date.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function runInstance(clients: ReturnType<typeof createClients>, imageId: string, tags: Record<string, string>) {
  const out = await clients.ec2.send(new RunInstancesCommand({
    ImageId: imageId, MinCount: 1, MaxCount: 1, InstanceType: "t3.micro",
    BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 8 } }, { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20 } }],
    TagSpecifications: [{ ResourceType: "instance", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
  }));
  const instance = out.Instances![0]!;
  return { instanceId: instance.InstanceId!, volumeIds: instance.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeId!) };
}

/**
 * Seeds the seed article's world in the emulator: an opted-in instance with two volumes and one
 * that is not opted in, auto-created snapshots, a metrics table with yesterday's and older rows,
 * an Auto Scaling group near its MaxSize, the alert topic with a queue subscribed.
 * `nightlyAt` is when the nightly run will happen: "yesterday" is the day before it.
 */
export async function seedWorld(options: { nightlyAt: Date; metricsPerDay?: number }): Promise<World> {
  const clients = createClients();
  const sqs = new SQSClient({});
  const image = await clients.ec2.send(new RegisterImageCommand({ Name: "caretaker-demo-base", RootDeviceName: "/dev/sda1" }));
  const imageId = image.ImageId!;
  const optedIn = await runInstance(clients, imageId, { Name: "web-1", AutoSnapshot: "true" });
  const notOptedIn = await runInstance(clients, imageId, { Name: "scratch-1" });
  await clients.ec2.send(new StopInstancesCommand({ InstanceIds: [optedIn.instanceId, notOptedIn.instanceId] }));

  // Snapshots made "now" are old when the nightly run happens a month later.
  const managedTags = [{ Key: "caretaker:managed", Value: "true" }, { Key: "caretaker:policy", Value: "auto-snapshot-on-stop" }];
  const oldSnapshotIds: string[] = [];
  for (const volumeId of optedIn.volumeIds) {
    const snap = await clients.ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId, Description: "earlier auto-snapshot", TagSpecifications: [{ ResourceType: "snapshot", Tags: managedTags }] }));
    oldSnapshotIds.push(snap.SnapshotId!);
  }
  const unmanaged = await clients.ec2.send(new CreateSnapshotCommand({ VolumeId: notOptedIn.volumeIds[0]!, Description: "hand-made backup", TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "Owner", Value: "ops" }] }] }));

  const topic = await clients.sns.send(new CreateTopicCommand({ Name: "caretaker-alerts" }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: "caretaker-alerts-inbox" }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  await clients.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: "sqs", Endpoint: queueArn }));

  const table = "caretaker-metrics";
  await clients.dynamodb.send(new CreateTableCommand({
    TableName: table, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
  }));
  const perDay = options.metricsPerDay ?? 24;
  const yesterday = day(options.nightlyAt, -1);
  const olderDay = day(options.nightlyAt, -2);
  const row = (date: string, hour: number) => ({ pk: `web-1#${date}#${String(hour).padStart(2, "0")}`, date, host: "web-1", hour, cpu: Math.round((20 + ((hour * 37) % 60)) * 10) / 10, tags: new Set(["web", "prod"]) });
  const yesterdayRows = Array.from({ length: perDay }, (_, h) => row(yesterday, h));
  const olderRows = Array.from({ length: perDay }, (_, h) => row(olderDay, h));
  const all = [...yesterdayRows, ...olderRows];
  for (let i = 0; i < all.length; i += 25) {
    await clients.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: all.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } })) } }));
  }
  const bucket = "caretaker-archive";
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const group = "web-asg";
  await clients.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: "web", LaunchTemplateData: { ImageId: imageId, InstanceType: "t3.micro" } }));
  await clients.autoScaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: group, LaunchTemplate: { LaunchTemplateName: "web", Version: "$Latest" },
    MinSize: 1, MaxSize: 4, DesiredCapacity: 3, AvailabilityZones: ["us-east-1a"],
  }));

  const plain = (rows: typeof all) => rows.map((r) => ({ ...r, tags: [...r.tags] }));
  return {
    imageId, optedIn, notOptedIn, oldSnapshotIds, unmanagedSnapshotId: unmanaged.SnapshotId!,
    topicArn: topic.TopicArn!, queueUrl: queue.QueueUrl!, table, bucket, group,
    metrics: { yesterday: plain(yesterdayRows), older: plain(olderRows) },
    env: { ALERT_TOPIC_ARN: topic.TopicArn!, METRICS_TABLE: table, ARCHIVE_BUCKET: bucket },
  };
}

/** The SNS messages that reached the queue (and removes them), as {subject, message, attributes}. */
export async function drainMessages(queueUrl: string): Promise<{ subject?: string; message: string; attributes: Record<string, unknown> }[]> {
  const sqs = new SQSClient({});
  const out: { subject?: string; message: string; attributes: Record<string, unknown> }[] = [];
  for (;;) {
    const batch = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!batch.Messages?.length) return out;
    for (const m of batch.Messages) {
      const envelope = JSON.parse(m.Body!) as { Subject?: string; Message: string; MessageAttributes?: Record<string, unknown> };
      out.push({ subject: envelope.Subject, message: envelope.Message, attributes: envelope.MessageAttributes ?? {} });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

/** The EventBridge events the seed's modules react to. */
export const sampleEvents = {
  instanceStopped(instanceId: string, time: Date, id = "7bf73129-1428-4cd3-a780-95db273d1602") {
    return { version: "0", id, "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2", account: "123456789012", time: time.toISOString(), region: "us-east-1", resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`], detail: { "instance-id": instanceId, state: "stopped" } };
  },
  alarm(alarmName: string, group: string | undefined, time: Date, id = "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92") {
    return {
      version: "0", id, "detail-type": "CloudWatch Alarm State Change", source: "aws.cloudwatch", account: "123456789012", time: time.toISOString(), region: "us-east-1",
      resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
      detail: {
        alarmName, state: { value: "ALARM", reason: "Threshold Crossed: 1 datapoint [91.5] was greater than the threshold (80.0).", timestamp: time.toISOString() }, previousState: { value: "OK" },
        configuration: { metrics: [{ id: "m1", metricStat: { metric: { namespace: "AWS/EC2", name: alarmName.startsWith("disk") ? "disk_used_percent" : "CPUUtilization", dimensions: group ? { AutoScalingGroupName: group } : {} }, period: 300, stat: "Average" }, returnData: true }] },
      },
    };
  },
};
