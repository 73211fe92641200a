/**
 * Shared knobs of all stand-ins in one process: per-operation request counters, per-service latency
 * and fault injection. Read and changed through the control API (/_local/ on the AWS port).
 */

export type ServiceName = 'dynamodb' | 'sts' | 'sagemaker' | 'cognito' | 'studio' | 'sns';

export const SERVICE_NAMES: ServiceName[] = ['dynamodb', 'sts', 'sagemaker', 'cognito', 'studio', 'sns'];

export interface FaultSpec {
  service: ServiceName;
  /** Operation name (e.g. CreatePresignedDomainUrl, GetItem, jwks) or "*". */
  operation: string;
  /** AWS error name to answer with; "ServiceUnavailable" answers HTTP 503. */
  error: string;
  /** Probability 0..1 that a matching call fails (default 1). */
  rate: number;
  /** How many more times this fault may fire; undefined = unlimited. */
  remaining?: number;
}

export class KnobSpecError extends Error {
  readonly code = 'input.invalid';
}

/** One call a stand-in received: when (epoch ms, sub-ms precision) and the latency injected into it. */
export interface CallRecord {
  op: string;
  at: number;
  latencyMs: number;
}

/** How many calls the timeline keeps (oldest dropped first). */
const TIMELINE_LIMIT = 20_000;

export class Knobs {
  private counters = new Map<string, number>();
  /** Start times of calls since the last reset: lets the bench tell sequential calls from concurrent ones. */
  private timeline: CallRecord[] = [];
  private latency: Partial<Record<ServiceName, number>> = {};
  private faults: FaultSpec[] = [];

  count(service: ServiceName, operation: string): void {
    const key = `${service}.${operation}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
    this.timeline.push({
      op: key,
      at: performance.timeOrigin + performance.now(),
      latencyMs: this.latency[service] ?? 0,
    });
    if (this.timeline.length > TIMELINE_LIMIT) this.timeline.splice(0, this.timeline.length - TIMELINE_LIMIT);
  }

  getCalls(): CallRecord[] {
    return this.timeline.map((c) => ({ ...c }));
  }

  getCounters(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  resetCounters(): void {
    this.counters.clear();
    this.timeline = [];
  }

  setLatency(update: Record<string, unknown>): Partial<Record<ServiceName, number>> {
    for (const [service, ms] of Object.entries(update)) {
      if (!SERVICE_NAMES.includes(service as ServiceName)) {
        throw new KnobSpecError(`unknown service "${service}" (expected one of ${SERVICE_NAMES.join(', ')})`);
      }
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
        throw new KnobSpecError(`latency for "${service}" must be a number of milliseconds 0-60000`);
      }
      this.latency[service as ServiceName] = ms;
    }
    return { ...this.latency };
  }

  getLatency(): Partial<Record<ServiceName, number>> {
    return { ...this.latency };
  }

  /** Waits the configured latency of a service (no timer at all when it is 0). */
  async delay(service: ServiceName): Promise<void> {
    const ms = this.latency[service] ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  addFault(spec: Record<string, unknown>): FaultSpec {
    const service = spec.service as ServiceName;
    if (!SERVICE_NAMES.includes(service)) {
      throw new KnobSpecError(`fault "service" must be one of ${SERVICE_NAMES.join(', ')}`);
    }
    const operation = spec.operation === undefined ? '*' : spec.operation;
    if (typeof operation !== 'string' || operation === '')
      throw new KnobSpecError('fault "operation" must be a non-empty string or "*"');
    if (typeof spec.error !== 'string' || !/^[A-Za-z]+$/.test(spec.error)) {
      throw new KnobSpecError('fault "error" must be an AWS error name such as ThrottlingException');
    }
    const rate = spec.rate === undefined ? 1 : spec.rate;
    if (typeof rate !== 'number' || rate < 0 || rate > 1) throw new KnobSpecError('fault "rate" must be a number 0-1');
    const count = spec.count;
    if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
      throw new KnobSpecError('fault "count" must be a positive integer');
    }
    const fault: FaultSpec = { service, operation, error: spec.error, rate, remaining: count as number | undefined };
    this.faults.push(fault);
    return { ...fault };
  }

  clearFaults(): void {
    this.faults = [];
  }

  listFaults(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * What a stand-in does first with each call: count it, wait the injected latency, then the error name to
   * answer with when a fault fires for it (else undefined).
   */
  async intercept(service: ServiceName, operation: string): Promise<string | undefined> {
    this.count(service, operation);
    await this.delay(service);
    return this.takeFault(service, operation);
  }

  /** Returns the error name to answer with when a fault fires for this call, else undefined. */
  takeFault(service: ServiceName, operation: string): string | undefined {
    for (const fault of this.faults) {
      if (fault.service !== service) continue;
      if (fault.operation !== '*' && fault.operation !== operation) continue;
      if (fault.remaining !== undefined && fault.remaining <= 0) continue;
      if (fault.rate < 1 && Math.random() >= fault.rate) continue;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
      return fault.error;
    }
    return undefined;
  }
}
