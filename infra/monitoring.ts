// Alarms and the dashboard of the portal (shared-services account): the portal's own metrics (CloudWatch
// embedded metric format from lib/metrics.ts, namespace StudioPortal) plus API Gateway, Lambda and
// DynamoDB metrics. Every alarm notifies one SNS topic.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import { API_STAGE_NAME } from './portal-api';

/** Same values as lib/metrics.ts (METRICS_NAMESPACE, METRICS_SERVICE). */
export const PORTAL_NAMESPACE = 'StudioPortal';
export const PORTAL_SERVICE = 'studio-portal';

export interface MonitoringArgs {
  name: string;
  config: InfraConfig;
  functionName: pulumi.Input<string>;
  apiName: pulumi.Input<string>;
  tableNames: pulumi.Input<string>[];
  tags?: Record<string, string>;
}

export interface Monitoring {
  topic: aws.sns.Topic;
  alarms: Record<string, aws.cloudwatch.MetricAlarm>;
  dashboard: aws.cloudwatch.Dashboard;
}

const FIVE_MINUTES = 300;

export function createMonitoring(args: MonitoringArgs, opts: pulumi.CustomResourceOptions): Monitoring {
  const { name, config } = args;
  const monitoring = config.portal.monitoring;
  const topic = new aws.sns.Topic(
    `${name}-alarms`,
    { name: `${name}-alarms`, kmsMasterKeyId: 'alias/aws/sns', tags: args.tags },
    opts,
  );
  if (monitoring.alarmEmail) {
    new aws.sns.TopicSubscription(
      `${name}-alarms-email`,
      { topic: topic.arn, protocol: 'email', endpoint: monitoring.alarmEmail },
      opts,
    );
  }
  const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };
  const portalMetric = (metricName: string, stat: string, dimensions: Record<string, string> = {}) => ({
    namespace: PORTAL_NAMESPACE,
    metricName,
    period: FIVE_MINUTES,
    stat,
    dimensions: { service: PORTAL_SERVICE, ...dimensions },
  });
  const alarm = (key: string, input: Omit<aws.cloudwatch.MetricAlarmArgs, 'alarmActions' | 'okActions' | 'name'>) =>
    new aws.cloudwatch.MetricAlarm(
      `${name}-${key}`,
      { name: `${name}-${key}`, ...actions, tags: args.tags, ...input },
      opts,
    );

  const lambdaCountAlarm = (key: string, metricName: string, alarmDescription: string) =>
    alarm(key, {
      alarmDescription,
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: { FunctionName: args.functionName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });

  const alarms: Record<string, aws.cloudwatch.MetricAlarm> = {
    launchFailureRate: alarm('launch-failure-rate', {
      alarmDescription: `More than ${monitoring.launchFailureRatePercent}% of Studio launches failed in 5 minutes (at least 5 launches).`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: monitoring.launchFailureRatePercent,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
      metricQueries: [
        { id: 'failures', metric: portalMetric('LaunchFailures', 'Sum'), returnData: false },
        { id: 'launches', metric: portalMetric('Launches', 'Sum'), returnData: false },
        {
          id: 'rate',
          expression: 'IF(launches >= 5, 100 * failures / launches, 0)',
          label: 'Launch failure rate (%)',
          returnData: true,
        },
      ],
    }),
    api5xx: alarm('api-5xx', {
      alarmDescription: 'The portal answered 5 or more 5xx responses in 5 minutes.',
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      dimensions: { ApiName: args.apiName, Stage: API_STAGE_NAME },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      threshold: 5,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    }),
    functionErrors: lambdaCountAlarm(
      'function-errors',
      'Errors',
      'The portal function failed (Lambda Errors) in 5 minutes.',
    ),
    functionThrottles: lambdaCountAlarm(
      'function-throttles',
      'Throttles',
      'Lambda throttled portal invocations (concurrency limit).',
    ),
    functionDurationP95: alarm('function-duration-p95', {
      alarmDescription: `The portal function's p95 duration stayed above ${monitoring.durationP95Ms} ms for 15 minutes.`,
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      dimensions: { FunctionName: args.functionName },
      extendedStatistic: 'p95',
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
      threshold: monitoring.durationP95Ms,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    }),
    dynamodbThrottling: alarm('dynamodb-throttling', {
      alarmDescription: 'DynamoDB throttled reads or writes of the portal tables.',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
      metricQueries: [
        ...args.tableNames.flatMap((table, i) =>
          ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) => ({
            id: `${metricName === 'ReadThrottleEvents' ? 'r' : 'w'}${i}`,
            metric: {
              namespace: 'AWS/DynamoDB',
              metricName,
              period: FIVE_MINUTES,
              stat: 'Sum',
              dimensions: { TableName: table },
            },
            returnData: false,
          })),
        ),
        {
          id: 'throttles',
          expression: `SUM([${args.tableNames.flatMap((_, i) => [`r${i}`, `w${i}`]).join(', ')}])`,
          label: 'DynamoDB throttle events',
          returnData: true,
        },
      ],
    }),
    jwksUnavailable: alarm('jwks-unavailable', {
      alarmDescription: "The portal could not fetch Cognito's signing keys (JWKS): API tokens cannot be verified.",
      ...flat(portalMetric('JwksUnavailable', 'Sum')),
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    }),
  };
  const healthPeriod = monitoring.healthCheckMinutes * 60;
  for (const lob of config.lobs.filter((l) => l.enabled)) {
    alarms[`health-${lob.name}`] = alarm(`health-${lob.name}`, {
      alarmDescription: `${lob.displayName} (${lob.name}) failed its scheduled health check twice in a row, or the check stopped reporting.`,
      namespace: PORTAL_NAMESPACE,
      metricName: 'HealthCheckFailed',
      dimensions: { service: PORTAL_SERVICE, lob: lob.name },
      statistic: 'Maximum',
      period: Math.max(60, healthPeriod),
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      // No data means the schedule stopped: as bad as a failure.
      treatMissingData: 'breaching',
    });
  }

  const dashboard = new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    {
      dashboardName: `${name}-portal`,
      dashboardBody: pulumi
        .all([pulumi.output(args.functionName), pulumi.output(args.apiName), pulumi.all(args.tableNames)])
        .apply(([functionName, apiName, tableNames]) =>
          buildDashboardBody({ config, functionName, apiName, tableNames }),
        ),
    },
    opts,
  );
  return { topic, alarms, dashboard };
}

function flat(metric: {
  namespace: string;
  metricName: string;
  period: number;
  stat: string;
  dimensions: Record<string, string>;
}) {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    period: metric.period,
    statistic: metric.stat,
    dimensions: metric.dimensions,
  };
}

/** The dashboard: launches, failures, launch time and health per LOB, then API, function and DynamoDB health. */
export function buildDashboardBody(input: {
  config: InfraConfig;
  functionName: string;
  apiName: string;
  tableNames: string[];
}): string {
  const { config, functionName, apiName, tableNames } = input;
  const region = config.region;
  const lobs = config.lobs.map((l) => l.name);
  const perLob = (metricName: string, stat: string) =>
    lobs.map((lob) => [PORTAL_NAMESPACE, metricName, 'service', PORTAL_SERVICE, 'lob', lob, { stat, label: lob }]);
  let y = 0;
  const widget = (title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => {
    const w = {
      type: 'metric',
      width: 12,
      height: 6,
      x: (y % 2) * 12,
      y: Math.floor(y / 2) * 6,
      properties: { title, region, metrics, period: 300, view: 'timeSeries', ...extra },
    };
    y += 1;
    return w;
  };
  const widgets = [
    widget('Launches per LOB', perLob('Launches', 'Sum'), { stacked: true }),
    widget('Failed launches per LOB', perLob('LaunchFailures', 'Sum'), { stacked: true }),
    widget('Launch time p50 per LOB (ms)', perLob('LaunchDuration', 'p50')),
    widget('Launch time p95 per LOB (ms)', perLob('LaunchDuration', 'p95')),
    widget('LOB health check failing (1 = failing)', perLob('HealthCheckFailed', 'Maximum')),
    widget('Dependency errors and token refusals', [
      [PORTAL_NAMESPACE, 'DependencyErrors', 'service', PORTAL_SERVICE, { stat: 'Sum' }],
      [PORTAL_NAMESPACE, 'JwksUnavailable', 'service', PORTAL_SERVICE, { stat: 'Sum' }],
      [PORTAL_NAMESPACE, 'TokenRefusals', 'service', PORTAL_SERVICE, { stat: 'Sum' }],
      [PORTAL_NAMESPACE, 'AdminChanges', 'service', PORTAL_SERVICE, { stat: 'Sum' }],
    ]),
    widget('API responses', [
      ['AWS/ApiGateway', 'Count', 'ApiName', apiName, 'Stage', API_STAGE_NAME, { stat: 'Sum' }],
      ['AWS/ApiGateway', '4XXError', 'ApiName', apiName, 'Stage', API_STAGE_NAME, { stat: 'Sum' }],
      ['AWS/ApiGateway', '5XXError', 'ApiName', apiName, 'Stage', API_STAGE_NAME, { stat: 'Sum' }],
    ]),
    widget('Function', [
      ['AWS/Lambda', 'Errors', 'FunctionName', functionName, { stat: 'Sum' }],
      ['AWS/Lambda', 'Throttles', 'FunctionName', functionName, { stat: 'Sum' }],
      ['AWS/Lambda', 'Duration', 'FunctionName', functionName, { stat: 'p95', yAxis: 'right' }],
    ]),
    widget(
      'DynamoDB throttle events',
      tableNames.flatMap((table) => [
        ['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', table, { stat: 'Sum' }],
        ['AWS/DynamoDB', 'WriteThrottleEvents', 'TableName', table, { stat: 'Sum' }],
      ]),
    ),
  ];
  return JSON.stringify({ widgets });
}
