import { describe, expect, it } from 'vitest';
import { buildTopicPolicy, publishStatements } from './notifications';
import { buildFunctionPolicy } from './portal-function';

const topic = 'arn:aws:sns:us-east-1:999999999999:portal-notifications';
const role = 'arn:aws:iam::999999999999:role/portal-server';
const key = 'arn:aws:kms:us-east-1:999999999999:key/abc';

describe('Notifications topic', () => {
  it('lets only the portal role publish', () => {
    const policy = JSON.parse(buildTopicPolicy(topic, role));
    const allow = policy.Statement.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allow).toEqual([
      expect.objectContaining({ Principal: { AWS: role }, Action: 'sns:Publish', Resource: topic }),
    ]);
    const deny = policy.Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
    expect(deny).toMatchObject({
      Principal: '*',
      Action: 'sns:Publish',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': role } },
    });
  });

  it('gives the function Publish on the topic only, plus the KMS use of the encrypted topic', () => {
    const policy = JSON.parse(
      buildFunctionPolicy({
        region: 'us-east-1',
        tableArns: [],
        generatorRoleArns: [],
        userPoolArn: 'arn:pool',
        logGroupArn: 'arn:logs',
        keyArn: key,
        topicArn: topic,
      }),
    );
    const publish = policy.Statement.filter((s: { Action: string | string[] }) =>
      [s.Action].flat().some((a) => a.startsWith('sns:')),
    );
    expect(publish).toEqual([{ Sid: 'PublishNotifications', Effect: 'Allow', Action: 'sns:Publish', Resource: topic }]);
    expect(policy.Statement).toContainEqual(publishStatements(topic, key)[1]);
  });
});
