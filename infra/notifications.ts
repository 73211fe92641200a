// Notifications of access requests and ending memberships: one SNS topic, encrypted with the portal's
// KMS key; only the portal function's role may publish (identity policy + topic policy). Subscribers
// (e-mail, AWS Chatbot for Slack / Teams) are added by the platform team: docs/admin.md.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { buildPolicyDocument } from './policy-document';

export interface NotificationsArgs {
  name: string;
  key: aws.kms.Key;
  tags: Record<string, string>;
}

export function createNotificationsTopic(args: NotificationsArgs, opts: pulumi.CustomResourceOptions): aws.sns.Topic {
  return new aws.sns.Topic(
    `${args.name}-notifications`,
    { name: `${args.name}-notifications`, kmsMasterKeyId: args.key.arn, tags: args.tags },
    opts,
  );
}

/** The topic policy: Publish for the portal role only (and the account's own management). */
export function buildTopicPolicy(topicArn: string, publisherRoleArn: string): string {
  return buildPolicyDocument([
    {
      Sid: 'PortalPublishes',
      Effect: 'Allow',
      Principal: { AWS: publisherRoleArn },
      Action: 'sns:Publish',
      Resource: topicArn,
    },
    {
      Sid: 'NobodyElsePublishes',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': publisherRoleArn } },
    },
  ]);
}

/** The portal function's statements for the topic: Publish, and the KMS use an encrypted topic needs. */
export function publishStatements(topicArn: string, keyArn: string) {
  return [
    { Sid: 'PublishNotifications', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
    { Sid: 'EncryptNotifications', Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: keyArn },
  ];
}

export function attachTopicPolicy(
  name: string,
  topic: aws.sns.Topic,
  role: aws.iam.Role,
  opts: pulumi.CustomResourceOptions,
): aws.sns.TopicPolicy {
  return new aws.sns.TopicPolicy(
    `${name}-notifications-policy`,
    { arn: topic.arn, policy: pulumi.all([topic.arn, role.arn]).apply(([t, r]) => buildTopicPolicy(t, r)) },
    opts,
  );
}
