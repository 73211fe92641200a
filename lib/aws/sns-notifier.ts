import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PortalConfig } from '../config';
import type { Notifier } from '../admin/notifications';

/**
 * Publishes notifications to the configured topic (SNS_TOPIC_ARN): the JSON message carries the text and
 * details; message attributes `lob`, `event`, `user` when the event is about one person, and the notification's
 * own `attributes` let subscriptions filter (docs/admin.md).
 */
export function createSnsNotifier(config: PortalConfig): Notifier | undefined {
  const topicArn = config.snsTopicArn;
  if (!topicArn) return undefined;
  const client = new SNSClient({ region: config.region, endpoint: config.endpoints.sns, maxAttempts: 2 });
  return async (n) => {
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: n.subject.slice(0, 99),
        Message: JSON.stringify({ event: n.event, lob: n.lob, text: n.text, ...n.details }),
        MessageAttributes: {
          ...Object.fromEntries(
            Object.entries(n.attributes ?? {}).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          ),
          lob: { DataType: 'String', StringValue: n.lob },
          event: { DataType: 'String', StringValue: n.event },
          ...(n.user ? { user: { DataType: 'String', StringValue: n.user } } : {}),
        },
      }),
    );
  };
}
