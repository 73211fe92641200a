import type { LaunchAuditRecord } from '@/lib/directory/types';
import type { Logger } from '@/lib/log';
import type { LaunchUsage } from '@/lib/usage/counters';

/** What one launch leaves behind: its audit record and its usage count (`durationMs` once it is known). */
export interface LaunchRecord {
  audit: LaunchAuditRecord;
  usage: LaunchUsage;
}

/** Where launch records go: the audit table and the usage counters (lib/directory, lib/usage). */
export interface RecordSinks {
  audit: {
    write(record: LaunchAuditRecord): Promise<void>;
    /** Rewrites a stored record's outcome, only while it still says `expected`. */
    updateOutcome(record: LaunchAuditRecord, expected: string, outcome: string): Promise<void>;
  };
  usage: {
    record(usage: LaunchUsage): Promise<void>;
    /** Moves a launch counted ahead as `from` to the outcome it had. */
    correct(usage: LaunchUsage, from: string): Promise<void>;
    /** The duration of a launch counted ahead, for the histogram (no round trip of its own). */
    noteDuration(usage: LaunchUsage & { durationMs: number }): void;
  };
}

/** One launch's recording: `begin` while the presign runs, `settle` with the outcome, `retry` to drop an attempt. */
export interface LaunchRecording {
  /** The key of a record written ahead by an earlier attempt: the next attempt's record keeps it. */
  readonly at?: string;
  /** The presign is on its way and the record is known but for its outcome (written as a success). */
  begin(record: LaunchRecord): void;
  /** The attempt is dropped (its LOB rows changed): waits for what it wrote ahead, keeping its key. */
  retry(): Promise<void>;
  /** The launch's outcome; resolves when the response may leave. Never fails: write failures are logged. */
  settle(record: LaunchRecord): Promise<void>;
}

/** Records launches: one implementation per host, chosen when the launch's collaborators are built. */
export interface LaunchRecorder {
  open(log: Logger): LaunchRecording;
}

/** Writes a record and its counts now; failures logged (the launch already happened: never fail it for them). */
function writeBoth(sinks: RecordSinks, log: Logger, { audit, usage }: LaunchRecord): Promise<void> {
  const written = sinks.audit
    .write(audit)
    .catch((error: unknown) => log.error('audit.write_failed', { error, record: audit }));
  const counted = sinks.usage
    .record(usage)
    .catch((error: unknown) => log.error('usage.write_failed', { error, lob: usage.lob, outcome: usage.outcome }));
  return Promise.all([written, counted]).then(() => undefined);
}

/**
 * For a long-running server: nothing is written during the launch; the record and the counters go out
 * after the response (`defer`, Next.js `after()`), so they add no latency to the redirect.
 */
export function afterResponseRecorder(sinks: RecordSinks, defer: (task: () => Promise<void>) => void): LaunchRecorder {
  return {
    open: (log) => ({
      begin: () => {},
      retry: async () => {},
      settle: async (record) => defer(() => writeBoth(sinks, log, record)),
    }),
  };
}

/** A write started ahead: whether each part landed. */
interface Ahead {
  record: LaunchRecord;
  landed: Promise<boolean>;
  counted: Promise<boolean>;
}

/**
 * For Lambda (nothing may run after the response, AUDIT_WRITE=before-response): the record and the
 * counters are written concurrently with the presign, saying "success"; a launch that then fails has its
 * record rewritten to the error code (conditional update) and its counters moved (atomic ADDs), together,
 * before the error response. So the user's path has no recording round trip of its own, and no response
 * leaves without its record. A launch refused before its presign writes its record at settle.
 */
export function writeAheadRecorder(sinks: RecordSinks): LaunchRecorder {
  return { open: (log) => new WriteAhead(sinks, log) };
}

class WriteAhead implements LaunchRecording {
  at?: string;
  private ahead?: Ahead;

  constructor(
    private readonly sinks: RecordSinks,
    private readonly log: Logger,
  ) {}

  begin(record: LaunchRecord): void {
    this.at = record.audit.at;
    // Started once the presign request is on its way (setImmediate runs after the SDK's synchronous and
    // microtask work), so building and signing the writes never delays the call the user waits for.
    const sent = new Promise<void>((resolve) => setImmediate(resolve));
    const landed = (what: string) => [() => true, (error: unknown) => (this.log.warn(what, { error }), false)] as const;
    this.ahead = {
      record,
      landed: sent.then(() => this.sinks.audit.write(record.audit)).then(...landed('audit.write_ahead_failed')),
      counted: sent.then(() => this.sinks.usage.record(record.usage)).then(...landed('usage.write_ahead_failed')),
    };
  }

  async retry(): Promise<void> {
    await this.ahead?.landed;
    this.ahead = undefined;
  }

  async settle(record: LaunchRecord): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (!ahead) return writeBoth(this.sinks, this.log, record);
    const { audit, usage } = ahead.record;
    const { outcome } = record.audit;
    const [recorded, counters] = await Promise.all([ahead.landed, ahead.counted]);
    const auditFailure = (error: unknown) =>
      this.log.error('audit.write_failed', { error, record: { ...audit, outcome } });
    const usageFailure = (error: unknown) => this.log.error('usage.write_failed', { error, lob: usage.lob, outcome });
    const fixes: Promise<unknown>[] = [];
    if (!recorded) fixes.push(this.sinks.audit.write({ ...audit, outcome }).catch(auditFailure));
    else if (outcome !== audit.outcome)
      fixes.push(this.sinks.audit.updateOutcome(audit, audit.outcome, outcome).catch(auditFailure));
    const durationMs = record.usage.durationMs ?? 0;
    if (!counters) fixes.push(this.sinks.usage.record({ ...usage, outcome, durationMs }).catch(usageFailure));
    else if (outcome === usage.outcome) this.sinks.usage.noteDuration({ ...usage, durationMs });
    else fixes.push(this.sinks.usage.correct({ ...usage, outcome }, usage.outcome).catch(usageFailure));
    await Promise.all(fixes);
  }
}
