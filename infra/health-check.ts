// The scheduled jobs: EventBridge Scheduler invokes the portal function, the Lambda Web Adapter posts the
// event to the portal's one internal jobs route (JOBS_PATH, app/api/internal/jobs), and the event's token
// names the job: the LOB health check every N minutes (config portal.monitoring.healthCheckMinutes), and
// hourly the review jobs (scheduled / overdue reviews) with the "membership ends in 7 days" notices, and the
// access sweep every N minutes (config portal.monitoring.accessSweepMinutes, default 5).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import { buildPolicyDocument } from './policy-document';
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
  /** Review jobs and expiry notices (hourly). */
  reviewJobsSchedule: aws.scheduler.Schedule;
  /** The access sweep (every accessSweepMinutes): Studio follows IdP changes and end dates. */
  accessSweepSchedule: aws.scheduler.Schedule;
}

/** How often the review jobs and expiry notices run: a notice goes out within an hour of the 7-day mark. */
export const REVIEW_JOBS_SCHEDULE = 'rate(1 hour)';

/** The schedule's event: what the internal route expects (a token it can verify, nothing else). */
export function buildHealthCheckInput(nextAuthSecret: string): string {
  return JSON.stringify({
    source: 'studio-portal.scheduler',
    action: 'lob-health-check',
    token: jobToken('health-check', nextAuthSecret),
  });
}

export function buildReviewJobsInput(nextAuthSecret: string): string {
  return JSON.stringify({
    source: 'studio-portal.scheduler',
    action: 'review-jobs',
    token: jobToken('review-jobs', nextAuthSecret),
  });
}

export function buildAccessSweepInput(nextAuthSecret: string): string {
  return JSON.stringify({
    source: 'studio-portal.scheduler',
    action: 'access-sweep',
    token: jobToken('access-sweep', nextAuthSecret),
  });
}

const rate = (minutes: number) => `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;

export function createHealthCheck(args: HealthCheckArgs, opts: pulumi.CustomResourceOptions): HealthCheck {
  const { name, config } = args;
  const account = config.sharedServices.accountId;
  const role = new aws.iam.Role(
    `${name}-health-check-role`,
    {
      name: `${name}-health-check`,
      description: 'EventBridge Scheduler: invoke the portal function for its scheduled jobs',
      assumeRolePolicy: buildPolicyDocument([
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': account } },
        },
      ]),
      tags: args.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-health-check-policy`,
    {
      role: role.name,
      policy: pulumi
        .output(args.functionArn)
        .apply((arn) =>
          buildPolicyDocument([
            { Sid: 'InvokePortal', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [arn, `${arn}:*`] },
          ]),
        ),
    },
    opts,
  );
  const minutes = config.portal.monitoring.healthCheckMinutes;
  const scheduleOf = (
    id: string,
    scheduleName: string,
    description: string,
    expression: string,
    input: (secret: string) => string,
  ) =>
    new aws.scheduler.Schedule(
      id,
      {
        name: scheduleName,
        description,
        scheduleExpression: expression,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: args.functionArn,
          roleArn: role.arn,
          input: pulumi.secret(pulumi.output(args.nextAuthSecret).apply(input)),
          // A missed run is replaced by the next one: no retries piling up.
          retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
        },
      },
      opts,
    );
  const schedule = scheduleOf(
    `${name}-health-check`,
    `${name}-lob-health-check`,
    'Connection test of every enabled LOB (Studio Portal)',
    rate(minutes),
    buildHealthCheckInput,
  );
  const reviewJobsSchedule = scheduleOf(
    `${name}-review-jobs`,
    `${name}-review-jobs`,
    'Scheduled and overdue access reviews, membership-ending notices (Studio Portal)',
    REVIEW_JOBS_SCHEDULE,
    buildReviewJobsInput,
  );
  const accessSweepSchedule = scheduleOf(
    `${name}-access-sweep`,
    `${name}-access-sweep`,
    'Ends Studio access (apps, profiles) of people who lost it outside the portal: IdP groups, end dates (Studio Portal)',
    rate(config.portal.monitoring.accessSweepMinutes),
    buildAccessSweepInput,
  );
  return { role, schedule, reviewJobsSchedule, accessSweepSchedule };
}
