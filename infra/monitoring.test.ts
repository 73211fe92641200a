// Offline (Pulumi mocks): the synthesized stack's alarms (metric, threshold, action), its dashboard, the
// Usage table, and the job schedules (LOB health check, review jobs with expiry notices) targeting the portal
// function's one internal jobs route.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInfraConfig } from './config';
import { stages } from './stages';
import { installPulumiMocks, promiseOf, resourcesOfType, settle, type RecordedResource } from './testing/pulumi-mocks';
import { jobToken } from '../lib/job-tokens';

const SECRET = 's'.repeat(48);
let stack: import('./stack').Stack;
const config = parseInfraConfig(stages.production);
const name = 'studio-portal-production';

beforeAll(async () => {
  await installPulumiMocks('production');
  const { createAccountProviders, createStack } = await import('./stack');
  stack = createStack({
    app: 'studio-portal',
    stage: 'production',
    config,
    providers: createAccountProviders(config, { app: 'studio-portal', stage: 'production' }),
    bundlePath: mkdtempSync(path.join(tmpdir(), 'bundle-')),
    nextAuthSecret: pulumi.secret(SECRET),
  });
  await promiseOf(stack.monitoring.dashboard.id);
  await promiseOf(stack.healthCheck.schedule.id);
  await promiseOf(stack.healthCheck.reviewJobsSchedule.id);
  await settle();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pulumi mock inputs are untyped
const alarms = (): Record<string, Record<string, any>> =>
  Object.fromEntries(resourcesOfType('aws:cloudwatch/metricAlarm:MetricAlarm').map((a) => [a.inputs.name, a.inputs]));
const topicArn = () => resourcesOfType('aws:sns/topic:Topic')[0].state.arn as string;

describe('alarms', () => {
  it('every alarm notifies the alarm topic, on alarm and on recovery', () => {
    const all = Object.values(alarms());
    expect(all.length).toBeGreaterThanOrEqual(7 + config.lobs.length);
    for (const a of all) {
      expect(a.alarmActions).toEqual([topicArn()]);
      expect(a.okActions).toEqual([topicArn()]);
    }
  });

  it('launch failure rate: LaunchFailures / Launches of the portal (StudioPortal, service only) above the configured percent', () => {
    const a = alarms()[`${name}-launch-failure-rate`];
    expect(a.threshold).toBe(config.portal.monitoring.launchFailureRatePercent);
    expect(a.comparisonOperator).toBe('GreaterThanThreshold');
    const byId = Object.fromEntries(a.metricQueries.map((q: { id: string }) => [q.id, q]));
    expect(byId.failures.metric).toMatchObject({
      namespace: 'StudioPortal',
      metricName: 'LaunchFailures',
      stat: 'Sum',
      dimensions: { service: 'studio-portal' },
    });
    expect(byId.launches.metric).toMatchObject({ namespace: 'StudioPortal', metricName: 'Launches', stat: 'Sum' });
    expect(byId.rate.expression).toBe('IF(launches >= 5, 100 * failures / launches, 0)');
    expect(byId.rate.returnData).toBe(true);
  });

  it.each([
    ['api-5xx', 'AWS/ApiGateway', '5XXError', 5],
    ['function-errors', 'AWS/Lambda', 'Errors', 1],
    ['function-throttles', 'AWS/Lambda', 'Throttles', 1],
    ['jwks-unavailable', 'StudioPortal', 'JwksUnavailable', 1],
  ])('%s: %s %s, Sum >= %d in 5 minutes', (key, namespace, metricName, threshold) => {
    const a = alarms()[`${name}-${key}`];
    expect(a).toMatchObject({
      namespace,
      metricName,
      statistic: 'Sum',
      period: 300,
      threshold,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('5xx and function alarms watch this stack’s API stage and function', () => {
    expect(alarms()[`${name}-api-5xx`].dimensions).toEqual({ ApiName: `${name}-portal`, Stage: 'portal' });
    expect(alarms()[`${name}-function-errors`].dimensions).toEqual({ FunctionName: `${name}-server` });
  });

  it('function duration: p95 above the configured milliseconds for 3 x 5 minutes', () => {
    expect(alarms()[`${name}-function-duration-p95`]).toMatchObject({
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      extendedStatistic: 'p95',
      threshold: config.portal.monitoring.durationP95Ms,
      evaluationPeriods: 3,
    });
  });

  it('DynamoDB throttling: read and write throttle events of every portal table, summed', () => {
    const a = alarms()[`${name}-dynamodb-throttling`];
    const metrics = a.metricQueries
      .filter((q: { metric?: unknown }) => q.metric)
      .map(
        (q: { metric: { metricName: string; dimensions: { TableName: string } } }) =>
          `${q.metric.metricName}:${q.metric.dimensions.TableName}`,
      );
    const tables = [
      'studio-portal-users',
      'studio-portal-lobs',
      'studio-portal-audit',
      'studio-portal-requests',
      'studio-portal-reviews',
      'studio-portal-usage',
    ];
    for (const table of tables) {
      expect(metrics).toContain(`ReadThrottleEvents:${table}`);
      expect(metrics).toContain(`WriteThrottleEvents:${table}`);
    }
    expect(a.metricQueries.at(-1).expression).toBe(`SUM([${tables.map((_, i) => `r${i}, w${i}`).join(', ')}])`);
    expect(a.threshold).toBe(1);
  });

  it('one health alarm per enabled LOB: HealthCheckFailed of that LOB, two failed checks (or no check) in a row', () => {
    for (const lob of config.lobs.filter((l) => l.enabled)) {
      expect(alarms()[`${name}-health-${lob.name}`]).toMatchObject({
        namespace: 'StudioPortal',
        metricName: 'HealthCheckFailed',
        dimensions: { service: 'studio-portal', lob: lob.name },
        statistic: 'Maximum',
        period: config.portal.monitoring.healthCheckMinutes * 60,
        evaluationPeriods: 2,
        threshold: 1,
        treatMissingData: 'breaching',
      });
    }
  });
});

describe('dashboard', () => {
  it('has launch, failure, latency and health graphs per LOB plus API, function and DynamoDB graphs', () => {
    const [dashboard] = resourcesOfType('aws:cloudwatch/dashboard:Dashboard');
    const body = JSON.parse(dashboard.inputs.dashboardBody) as {
      widgets: { properties: { title: string; metrics: unknown[][] } }[];
    };
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Launches per LOB',
        'Failed launches per LOB',
        'Launch time p95 per LOB (ms)',
        'LOB health check failing (1 = failing)',
        'API responses',
        'Function',
        'DynamoDB throttle events',
      ]),
    );
    const launches = body.widgets.find((w) => w.properties.title === 'Launches per LOB')!;
    expect(launches.properties.metrics.map((m) => m[5])).toEqual(config.lobs.map((l) => l.name));
  });
});

describe('usage table', () => {
  it('exists with pk/sk, TTL, encryption and point-in-time recovery, and the function may write it', () => {
    const usage = resourcesOfType('aws:dynamodb/table:Table').find((t) => t.inputs.name === 'studio-portal-usage')!;
    expect([usage.inputs.hashKey, usage.inputs.rangeKey]).toEqual(['pk', 'sk']);
    expect(usage.inputs.ttl).toEqual({ attributeName: 'ttl', enabled: true });
    expect(usage.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    const fn = resourcesOfType('aws:lambda/function:Function').find((f) => f.inputs.name === `${name}-server`)!;
    expect(fn.inputs.environment.variables.TABLE_USAGE).toBe('studio-portal-usage');
    const policy = resourcesOfType('aws:iam/rolePolicy:RolePolicy').find((p) =>
      String(p.name).endsWith('-server-policy'),
    )!;
    expect(JSON.stringify(JSON.parse(policy.inputs.policy).Statement[0].Resource)).toContain('studio-portal-usage');
  });
});

describe('health-check schedule', () => {
  let schedule: RecordedResource;
  beforeAll(() => {
    schedule = resourcesOfType('aws:scheduler/schedule:Schedule').find(
      (s) => s.inputs.name === `${name}-lob-health-check`,
    )!;
  });

  it('runs every N minutes from config and targets the portal function', () => {
    expect(schedule.inputs.scheduleExpression).toBe(`rate(${config.portal.monitoring.healthCheckMinutes} minutes)`);
    const fn = resourcesOfType('aws:lambda/function:Function').find((f) => f.inputs.name === `${name}-server`)!;
    expect(schedule.inputs.target.arn).toBe(fn.state.arn);
  });

  it('sends the token the internal route checks; the function posts such events to that route', () => {
    const input = JSON.parse(schedule.inputs.target.input);
    expect(input).toEqual({
      source: 'studio-portal.scheduler',
      action: 'lob-health-check',
      token: jobToken('health-check', SECRET),
    });
    expect(JSON.stringify(input)).not.toContain(SECRET);
    const fn = resourcesOfType('aws:lambda/function:Function').find((f) => f.inputs.name === `${name}-server`)!;
    expect(fn.inputs.environment.variables.AWS_LWA_PASS_THROUGH_PATH).toBe('/api/internal/jobs');
  });

  it('its role may only be assumed by EventBridge Scheduler of this account and may only invoke the function', () => {
    const role = resourcesOfType('aws:iam/role:Role').find((r) => r.inputs.name === `${name}-health-check`)!;
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': config.sharedServices.accountId },
    });
    const policy = resourcesOfType('aws:iam/rolePolicy:RolePolicy').find((p) =>
      String(p.name).endsWith('-health-check-policy'),
    )!;
    const statements = JSON.parse(policy.inputs.policy).Statement;
    expect(statements.map((s: { Action: string }) => s.Action)).toEqual(['lambda:InvokeFunction']);
  });
});

describe('job schedules besides the health check: review jobs (hourly) and the access sweep (every 5 minutes)', () => {
  it.each([
    ['review-jobs', 'rate(1 hour)', 'health-check'],
    ['access-sweep', 'rate(5 minutes)', 'review-jobs'],
  ] as const)(
    '%s runs %s, targets the portal function with its own token, through the same role and jobs route',
    (job, rate, other) => {
      const schedules = resourcesOfType('aws:scheduler/schedule:Schedule');
      expect(schedules.map((s) => s.inputs.name).sort()).toEqual([
        `${name}-access-sweep`,
        `${name}-lob-health-check`,
        `${name}-review-jobs`,
      ]);
      const schedule = schedules.find((s) => s.inputs.name === `${name}-${job}`)!;
      expect(schedule.inputs.scheduleExpression).toBe(rate);
      expect(schedule.inputs.flexibleTimeWindow).toEqual({ mode: 'OFF' });
      const fn = resourcesOfType('aws:lambda/function:Function').find((f) => f.inputs.name === `${name}-server`)!;
      expect(schedule.inputs.target.arn).toBe(fn.state.arn);
      const health = schedules.find((s) => s.inputs.name === `${name}-lob-health-check`)!;
      expect(schedule.inputs.target.roleArn).toBe(health.inputs.target.roleArn);
      const input = JSON.parse(schedule.inputs.target.input);
      expect(input).toEqual({ source: 'studio-portal.scheduler', action: job, token: jobToken(job, SECRET) });
      expect(input.token).not.toBe(jobToken(other, SECRET));
      expect(JSON.stringify(input)).not.toContain(SECRET);
    },
  );

  it('the access sweep period comes from config (default 5 minutes)', () => {
    expect(config.portal.monitoring.accessSweepMinutes).toBe(5);
  });
});

describe('cost control: idle shutdown per LOB', () => {
  it('each LOB domain shuts idle JupyterLab and Code Editor apps down after its configured minutes; the LOB row carries it', () => {
    for (const lob of config.lobs) {
      const domain = resourcesOfType('aws:sagemaker/domain:Domain').find(
        (d) => d.inputs.domainName === `${lob.name}-studio`,
      )!;
      const expected = {
        lifecycleManagement: 'ENABLED',
        idleTimeoutInMinutes: lob.idleShutdownMinutes,
        minIdleTimeoutInMinutes: 60,
        maxIdleTimeoutInMinutes: lob.idleShutdownMinutes,
      };
      expect(domain.inputs.defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement.idleSettings).toEqual(
        expected,
      );
      expect(domain.inputs.defaultUserSettings.codeEditorAppSettings.appLifecycleManagement.idleSettings).toEqual(
        expected,
      );
      const row = resourcesOfType('aws:dynamodb/tableItem:TableItem')
        .map((r) => JSON.parse(r.inputs.item))
        .find((i) => i.lob.S === lob.name)!;
      expect(row.idleShutdownMinutes).toEqual({ N: String(lob.idleShutdownMinutes) });
    }
  });

  it('config refuses idle minutes outside SageMaker’s 60-525600, naming the field', () => {
    const withIdle = (minutes: number) => ({
      ...stages.production,
      lobs: stages.production.lobs.map((l, i) => (i === 0 ? { ...l, idleShutdownMinutes: minutes } : l)),
    });
    expect(() => parseInfraConfig(withIdle(59))).toThrow(/lobs\.0\.idleShutdownMinutes: must be at least 60 minutes/);
    expect(() => parseInfraConfig(withIdle(525601))).toThrow(
      /lobs\.0\.idleShutdownMinutes: must be at most 525600 minutes/,
    );
    expect(parseInfraConfig(withIdle(240)).lobs[0].idleShutdownMinutes).toBe(240);
  });
});
