// The scheduled LOB health check: EventBridge Scheduler invokes the portal function every N minutes
// (config portal.monitoring.healthCheckMinutes); the Lambda Web Adapter posts the event to the portal's
// internal route (HEALTH_CHECK_PATH), which runs the connection test for every enabled LOB.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import { jobToken } from '../lib/job-tokens';

export interface HealthCheckArgs {
  name: string;
  config: InfraConfig;
  functionArn: pulumi.Input<string>;
  /** Same secret as the function's NEXTAUTH_SECRET: the schedule's token is derived from it. */
  nextAuthSecret: pulumi.Input<string>;
  tags?: Record<string, string>;
}

export interface HealthCheck {
  role: aws.iam.Role;
  schedule: aws.scheduler.Schedule;
}

/** The schedule's event: what the internal route expects (a token it can verify, nothing else). */
export function buildHealthCheckInput(nextAuthSecret: string): string {
  return JSON.stringify({ source: 'studio-portal.scheduler', action: 'lob-health-check', token: jobToken('health-check', nextAuthSecret) });
}

export function createHealthCheck(args: HealthCheckArgs, opts: pulumi.CustomResourceOptions): HealthCheck {
  const { name, config } = args;
  const account = config.sharedServices.accountId;
  const role = new aws.iam.Role(
    `${name}-health-check-role`,
    {
      name: `${name}-health-check`,
      description: 'EventBridge Scheduler: invoke the portal function for the LOB health check',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': account } } },
        ],
      }),
      tags: args.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-health-check-policy`,
    {
      role: role.name,
      policy: pulumi.output(args.functionArn).apply((arn) =>
        JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'InvokePortal', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [arn, `${arn}:*`] }] }),
      ),
    },
    opts,
  );
  const minutes = config.portal.monitoring.healthCheckMinutes;
  const schedule = new aws.scheduler.Schedule(
    `${name}-health-check`,
    {
      name: `${name}-lob-health-check`,
      description: 'Connection test of every enabled LOB (Studio Portal)',
      scheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: args.functionArn,
        roleArn: role.arn,
        input: pulumi.secret(pulumi.output(args.nextAuthSecret).apply(buildHealthCheckInput)),
        // A missed run is replaced by the next one: no retries piling up.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
    },
    opts,
  );
  return { role, schedule };
}
