import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PortalConfig } from '../config';
import type { Notifier } from '../admin/notifications';

/**
 * Publishes notifications to the configured topic (SNS_TOPIC_ARN): the JSON message carries the text and
 * details; message attributes `lob`, `event` and (for events about one person) `user` let subscriptions filter
 * and route (docs/admin.md).
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
          lob: { DataType: 'String', StringValue: n.lob },
          event: { DataType: 'String', StringValue: n.event },
          ...(n.user ? { user: { DataType: 'String', StringValue: n.user } } : {}),
        },
      }),
    );
  };
}
