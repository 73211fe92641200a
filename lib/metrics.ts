import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { log } from './log';

/** CloudWatch namespace and the `service` dimension of every portal metric (infra/monitoring.ts reads the same). */
export const METRICS_NAMESPACE = 'StudioPortal';
export const METRICS_SERVICE = 'studio-portal';

/** AWS services the portal depends on, as the `dependency` dimension names them. */
export type Dependency = 'dynamodb' | 'sts' | 'sagemaker' | 'cognito' | 'cognito-jwks';

/**
 * The portal's operational metrics. Dimensions are bounded, non-secret values only: LOB ids, channel,
 * outcome / error codes, service names, admin action names; never usernames, tokens or request ids.
 */
export interface PortalMetrics {
  launch(event: { lob?: string; channel: string; outcome: string; durationMs: number }): void;
  dependencyError(dependency: Dependency, code: string): void;
  /** A bearer token or session the API refused (reason = the error code). */
  tokenRefused(reason: string): void;
  adminChange(action: string): void;
  healthCheck(lob: string, ok: boolean): void;
}

/**
 * Metrics as CloudWatch embedded metric format lines on stdout, written by Powertools for AWS Lambda
 * (TypeScript). On Lambda, CloudWatch Logs turns them into metrics; elsewhere they are plain log lines.
 * Each event is published at once (synchronously), so concurrent requests never mix their dimensions.
 */
export class EmfMetrics implements PortalMetrics {
  private readonly metrics: Metrics;

  constructor(namespace = METRICS_NAMESPACE) {
    this.metrics = new Metrics({
      namespace,
      serviceName: METRICS_SERVICE,
      // Powertools warns when one key appears in two dimension sets, which ours do on purpose.
      logger: {
        debug: () => {},
        info: () => {},
        warn: (msg: string) => log.debug('metrics.warning', { msg }),
        error: (msg: string) => log.error('metrics.error', { msg }),
      },
    });
  }

  private publish(build: (m: Metrics) => void): void {
    build(this.metrics);
    this.metrics.publishStoredMetrics();
  }

  launch(event: { lob?: string; channel: string; outcome: string; durationMs: number }): void {
    const lob = event.lob ?? 'none';
    const failed = event.outcome !== 'success';
    this.publish((m) => {
      // Dimension sets: the whole portal (alarms: `{}` is the set of only `service`), per LOB (dashboard),
      // per LOB, channel and outcome.
      m.addDimensions({});
      m.addDimensions({ lob });
      m.addDimensions({ lob, channel: event.channel, outcome: event.outcome });
      m.addMetric('Launches', MetricUnit.Count, 1);
      m.addMetric('LaunchFailures', MetricUnit.Count, failed ? 1 : 0);
      m.addMetric('LaunchDuration', MetricUnit.Milliseconds, event.durationMs);
    });
  }

  dependencyError(dependency: Dependency, code: string): void {
    this.publish((m) => {
      m.addDimensions({});
      m.addDimensions({ dependency });
      m.addDimensions({ dependency, code });
      m.addMetric('DependencyErrors', MetricUnit.Count, 1);
      if (dependency === 'cognito-jwks') m.addMetric('JwksUnavailable', MetricUnit.Count, 1);
    });
  }

  tokenRefused(reason: string): void {
    this.publish((m) => {
      m.addDimensions({});
      m.addDimensions({ reason });
      m.addMetric('TokenRefusals', MetricUnit.Count, 1);
    });
  }

  adminChange(action: string): void {
    this.publish((m) => {
      m.addDimensions({});
      m.addDimensions({ action });
      m.addMetric('AdminChanges', MetricUnit.Count, 1);
    });
  }

  healthCheck(lob: string, ok: boolean): void {
    this.publish((m) => {
      m.addDimension('lob', lob);
      m.addMetric('HealthCheckFailed', MetricUnit.Count, ok ? 0 : 1);
    });
  }
}

/** The dependency an error came from, when an adapter named it (lib/aws/errors.ts `details.service`). */
export function dependencyOf(details: Record<string, unknown> | undefined): Dependency | undefined {
  const service = details?.service;
  return service === 'dynamodb' || service === 'sts' || service === 'sagemaker' || service === 'cognito'
    ? service
    : undefined;
}

let metrics: PortalMetrics | undefined;

/** The process-wide metrics writer. */
export function getMetrics(): PortalMetrics {
  metrics ??= new EmfMetrics(process.env.METRICS_NAMESPACE || METRICS_NAMESPACE);
  return metrics;
}
