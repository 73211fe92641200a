import { describe, expect, it } from 'vitest';
import { PortalError } from '@/lib/errors';
import { createMemoryLogger } from '@/lib/log';
import type { GeneratorSession } from '@/lib/aws/generator-sessions';
import type { LobReader } from '@/lib/directory/lobs';
import type { LaunchAuditRecord, Lob, Membership } from '@/lib/directory/types';
import { launchStudio, type LaunchDeps } from '@/lib/launch/launch-studio';
import { afterResponseRecorder, writeAheadRecorder, type RecordSinks } from '@/lib/launch/recorder';
import type { LaunchRequest, PresignRequest } from '@/lib/launch/types';
import type { LaunchUsage } from '@/lib/usage/counters';
import { lobRow as baseLobRow } from '@/local/lob-row';

/**
 * launchStudio with in-memory collaborators: the directory, the presigner and the record sinks are plain
 * objects that note what they were asked, so each phase (resolve, choose, credentials, presign, settle)
 * and both recorders are checked without a stack. The HTTP suites (tests/portal/launch.test.ts,
 * lob-cache.test.ts, tests/local/generator-sessions.test.ts) check the same flow end to end.
 */

const NOW = new Date('2026-12-07T10:00:00.000Z');

/** A LOB whose default is the Studio (classic) app, auto-creating profiles, 1-hour sessions. */
function lobRow(lob: string, changes: Partial<Lob> = {}): Lob {
  const studio: Partial<Lob> = {
    defaultApp: 'studio',
    allowedApps: ['studio', 'jupyterlab'],
    sessionDurationSeconds: 3600,
  };
  return baseLobRow(lob, { ...studio, autoCreateProfile: true, maxRequestDays: 30, ...changes });
}

const member = (lob: string, until?: string): Membership => ({ lob, until, via: 'admin' });

/** Everything the fake collaborators saw, in order. */
interface World {
  events: string[];
  records: Map<string, LaunchAuditRecord>;
  usage: LaunchUsage[];
  corrections: { usage: LaunchUsage; from: string }[];
  durations: number[];
  metrics: { outcome: string; lob?: string }[];
  deferred: (() => Promise<void>)[];
  lines: string[];
}

interface Setup {
  memberships?: Membership[];
  rows?: Lob[];
  /** The re-read of a row handed out stale (the cache's revalidate). */
  reread?: (row: Lob) => Lob | undefined;
  /** What the presign does: throw, or run into a missing profile (calls beforeCreateProfile). */
  presign?: (request: PresignRequest) => Promise<string> | string;
  mode?: 'after-response' | 'write-ahead';
}

function setup(options: Setup = {}) {
  const world: World = {
    events: [],
    records: new Map(),
    usage: [],
    corrections: [],
    durations: [],
    metrics: [],
    deferred: [],
    lines: [],
  };
  const rows = new Map((options.rows ?? [lobRow('lob-a')]).map((row) => [row.lob, row]));
  const memberships = options.memberships ?? [member('lob-a')];
  const lobs: LobReader = {
    getLob: async (name) => rows.get(name),
    listLobs: async () => [...rows.values()],
    revalidate: options.reread && ((row) => Promise.resolve(options.reread!(row))),
  };
  const session = (lob: Lob, username: string): GeneratorSession => ({
    roleArn: `arn:aws:iam::${lob.accountId}:role/${lob.roleName}`,
    assumedRoleArn: `arn:aws:sts::${lob.accountId}:assumed-role/${lob.roleName}/portal-${username}`,
    sourceIdentity: username,
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', expiration: new Date(NOW.getTime() + 3_600_000) },
  });
  const key = (record: LaunchAuditRecord) => `${record.at}|${record.requestId}`;
  const sinks: RecordSinks = {
    audit: {
      write: async (record) => {
        world.events.push(`audit.write ${record.outcome}`);
        world.records.set(key(record), record);
      },
      updateOutcome: async (record, expected, outcome) => {
        world.events.push(`audit.update ${expected}->${outcome}`);
        const stored = world.records.get(key(record));
        if (stored?.outcome === expected) world.records.set(key(record), { ...stored, outcome });
      },
    },
    usage: {
      record: async (usage) => {
        world.events.push(`usage.record ${usage.outcome}`);
        world.usage.push(usage);
      },
      correct: async (usage, from) => {
        world.events.push(`usage.correct ${from}->${usage.outcome}`);
        world.corrections.push({ usage, from });
      },
      noteDuration: (usage) => world.durations.push(usage.durationMs),
    },
  };
  const deps: LaunchDeps = {
    // Rows bound to the pool `sub` the session carries (issue 23's launch check, lib/launch/identity-binding.ts).
    getUser: async (username) => ({
      username,
      sub: `sub-${username}`,
      lobs: memberships.map((m) => m.lob),
      memberships,
      version: 1,
    }),
    lobs,
    presigner: {
      openSession: async (lob, username) => {
        world.events.push(`openSession ${lob.lob}`);
        return session(lob, username);
      },
      createUrl: async (request) => {
        world.events.push(`presign.start ${request.lob.domainId}`);
        // A round trip: the write-ahead recorder's writes go out meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const url = options.presign
          ? await options.presign(request)
          : `https://${request.lob.domainId}.studio.us-east-1.sagemaker.aws/auth?token=t`;
        world.events.push(`presign.end ${request.lob.domainId}`);
        return url;
      },
    },
    recorder:
      options.mode === 'write-ahead'
        ? writeAheadRecorder(sinks)
        : afterResponseRecorder(sinks, (task) => void world.deferred.push(task)),
    metrics: {
      launch: (event) => void world.metrics.push({ outcome: event.outcome, lob: event.lob }),
      dependencyError: () => {},
      tokenRefused: () => {},
      adminChange: () => {},
      healthCheck: () => {},
    },
    defaultUrlExpiresSeconds: 300,
    supportContact: 'the platform team',
    log: createMemoryLogger(world.lines),
    now: () => NOW,
  };
  /** Runs the work deferred until after the response (the after-response recorder's writes). */
  const afterResponse = async () => {
    for (const task of world.deferred.splice(0)) await task();
  };
  return { deps, world, afterResponse };
}

const request = (changes: Partial<LaunchRequest> = {}): LaunchRequest => ({
  user: { username: 'ada', sub: 'sub-ada', groups: [] },
  channel: 'api',
  requestId: 'req-0001',
  ...changes,
});

async function refusalOf(launch: Promise<unknown>): Promise<PortalError> {
  const error = await launch.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PortalError);
  return error as PortalError;
}

describe('launchStudio: success', () => {
  it('resolves, chooses, opens the session, presigns and records one success after the response', async () => {
    const { deps, world, afterResponse } = setup();
    const result = await launchStudio(deps, request({ app: 'jupyterlab' }));
    expect(result).toEqual({
      url: 'https://d-lob-a.studio.us-east-1.sagemaker.aws/auth?token=t',
      expiresAt: '2026-12-07T10:05:00.000Z',
      lob: 'lob-a',
      accountId: '111111111111',
      domainId: 'd-lob-a',
      app: 'jupyterlab',
    });
    expect(world.events).toEqual(['openSession lob-a', 'presign.start d-lob-a', 'presign.end d-lob-a']);
    expect(world.deferred).toHaveLength(1);
    await afterResponse();
    expect([...world.records.values()]).toEqual([
      {
        type: 'launch',
        user: 'ada',
        at: NOW.toISOString(),
        requestId: 'req-0001',
        channel: 'api',
        outcome: 'success',
        lob: 'lob-a',
        accountId: '111111111111',
        domainId: 'd-lob-a',
        app: 'jupyterlab',
        roleSession: 'arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-ada',
        sourceIdentity: 'ada',
      },
    ]);
    expect(world.usage).toEqual([
      { lob: 'lob-a', user: 'ada', outcome: 'success', at: NOW, durationMs: expect.any(Number) },
    ]);
    expect(world.metrics).toEqual([{ outcome: 'success', lob: 'lob-a' }]);
  });

  it("uses the LOB's default app and its URL lifetime", async () => {
    const { deps } = setup({ rows: [lobRow('lob-a', { defaultApp: 'jupyterlab', urlExpiresSeconds: 60 })] });
    const result = await launchStudio(deps, request());
    expect(result.app).toBe('jupyterlab');
    expect(result.expiresAt).toBe('2026-12-07T10:01:00.000Z');
  });
});

describe('launchStudio: each refusal is answered and recorded with its code', () => {
  const cases: {
    name: string;
    setup: Setup;
    request?: Partial<LaunchRequest>;
    code: string;
    message: RegExp;
    lob?: string;
  }[] = [
    {
      name: 'no LOB at all',
      setup: { memberships: [] },
      code: 'user.not_mapped',
      message: /not assigned to any line of business/,
    },
    {
      name: 'a membership that has ended',
      setup: { memberships: [member('lob-a', '2026-12-01T09:30:00.000Z')] },
      code: 'membership.expired',
      message: /ended on 2026-12-01 09:30 UTC/,
    },
    {
      name: 'a LOB the user is not in',
      setup: {},
      request: { lob: 'lob-b' },
      code: 'lob.not_member',
      message: /not a member .*lob-b/,
      lob: 'lob-b',
    },
    {
      name: 'several LOBs and none chosen',
      setup: { memberships: [member('lob-a'), member('lob-b')], rows: [lobRow('lob-a'), lobRow('lob-b')] },
      code: 'input.invalid',
      message: /several lines of business \(lob-a, lob-b\)/,
    },
    {
      name: 'a disabled LOB',
      setup: { rows: [lobRow('lob-a', { enabled: false })] },
      code: 'lob.disabled',
      message: /currently disabled/,
      lob: 'lob-a',
    },
    {
      name: 'an app the LOB does not allow',
      setup: { rows: [lobRow('lob-a', { allowedApps: ['studio'] })] },
      request: { app: 'codeeditor' },
      code: 'input.invalid',
      message: /does not allow opening codeeditor/,
      lob: 'lob-a',
    },
    {
      name: 'a username that cannot be a profile name',
      setup: {},
      request: { user: { username: 'ada@example.com', sub: 'sub-ada@example.com', groups: [] } },
      code: 'input.invalid',
      message: /cannot be used as a Studio user profile name/,
      lob: 'lob-a',
    },
    {
      name: 'no Studio profile (and none created)',
      setup: { presign: () => Promise.reject(new PortalError('profile.not_found')) },
      code: 'profile.not_found',
      message: /no SageMaker Studio user profile in LOB lob-a \(domain d-lob-a\)\. Ask the platform team/,
      lob: 'lob-a',
    },
    {
      name: 'an AWS failure in the presign',
      setup: {
        presign: () =>
          Promise.reject(new PortalError('aws.unavailable', undefined, { details: { service: 'sagemaker' } })),
      },
      code: 'aws.unavailable',
      message: /./,
      lob: 'lob-a',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { deps, world, afterResponse } = setup(c.setup);
      const error = await refusalOf(launchStudio(deps, request(c.request)));
      expect(error.code).toBe(c.code);
      expect(error.message).toMatch(c.message);
      await afterResponse();
      const records = [...world.records.values()];
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        outcome: c.code,
        user: request(c.request).user.username,
        requestId: 'req-0001',
      });
      expect(records[0].lob).toBe(c.lob);
      expect(world.usage.map((u) => u.outcome)).toEqual([c.code]);
      expect(world.metrics.map((m) => m.outcome)).toEqual([c.code]);
    });
  }
});

describe('launchStudio: a LOB row that changed during the launch', () => {
  it('drops the URL of the cached row and launches again on the re-read row', async () => {
    const { deps, world, afterResponse } = setup({ reread: (row) => ({ ...row, domainId: 'd-moved' }) });
    const result = await launchStudio(deps, request());
    expect(result.domainId).toBe('d-moved');
    expect(result.url).toContain('d-moved.studio.');
    expect(world.events.filter((e) => e.startsWith('presign.start'))).toEqual([
      'presign.start d-lob-a',
      'presign.start d-moved',
    ]);
    await afterResponse();
    expect([...world.records.values()].map((r) => [r.outcome, r.domainId])).toEqual([['success', 'd-moved']]);
    expect(world.usage).toHaveLength(1);
    expect(world.lines.some((line) => line.includes('launch.lob_changed'))).toBe(true);
  });

  it('refuses on the re-read row when the LOB was disabled meanwhile, and records only the refusal', async () => {
    const { deps, world, afterResponse } = setup({ reread: (row) => ({ ...row, enabled: false }) });
    const error = await refusalOf(launchStudio(deps, request()));
    expect(error.code).toBe('lob.disabled');
    await afterResponse();
    expect([...world.records.values()].map((r) => r.outcome)).toEqual(['lob.disabled']);
  });

  it('creates no profile on a changed cached row: the second attempt runs on the re-read row', async () => {
    const created: string[] = [];
    const presign = async (req: PresignRequest) => {
      if (req.beforeCreateProfile) await req.beforeCreateProfile();
      created.push(req.lob.domainId);
      return `https://${req.lob.domainId}.studio.us-east-1.sagemaker.aws/auth?token=t`;
    };
    const { deps } = setup({ reread: (row) => ({ ...row, domainId: 'd-moved' }), presign });
    const result = await launchStudio(deps, request());
    expect(result.domainId).toBe('d-moved');
    expect(created).toEqual(['d-moved']);
  });

  it('makes two attempts at most, and none when the re-read row agrees', async () => {
    const { deps, world } = setup({ reread: (row) => ({ ...row }) });
    await launchStudio(deps, request());
    expect(world.events.filter((e) => e.startsWith('presign.start'))).toHaveLength(1);
  });

  it('refuses when the LOB is gone on the re-read', async () => {
    const { deps } = setup({ reread: () => undefined });
    expect((await refusalOf(launchStudio(deps, request()))).code).toBe('user.not_mapped');
  });
});

describe('launchStudio: the two recorders', () => {
  it('after the response: nothing is written before the launch answers; the record and counts go out in the deferred task', async () => {
    const { deps, world, afterResponse } = setup({ mode: 'after-response' });
    await launchStudio(deps, request());
    expect(world.events.some((e) => e.startsWith('audit') || e.startsWith('usage'))).toBe(false);
    await afterResponse();
    expect(world.events.slice(-2).sort()).toEqual(['audit.write success', 'usage.record success']);
  });

  it('written ahead: record and counts go out while the presign runs and are there when the launch answers', async () => {
    const { deps, world } = setup({ mode: 'write-ahead' });
    await launchStudio(deps, request());
    expect(world.deferred).toHaveLength(0);
    const presignEnd = world.events.indexOf('presign.end d-lob-a');
    expect(world.events.indexOf('audit.write success')).toBeLessThan(presignEnd);
    expect(world.events.indexOf('usage.record success')).toBeLessThan(presignEnd);
    expect([...world.records.values()]).toMatchObject([
      { outcome: 'success', at: NOW.toISOString(), lob: 'lob-a', sourceIdentity: 'ada' },
    ]);
    // The duration rides along with a later write (no round trip of its own).
    expect(world.durations).toHaveLength(1);
    expect(world.usage).toHaveLength(1);
  });

  it('written ahead: a presign that fails rewrites the record and moves the counts before the error answers', async () => {
    const { deps, world } = setup({
      mode: 'write-ahead',
      presign: () => Promise.reject(new PortalError('aws.throttled')),
    });
    const error = await refusalOf(launchStudio(deps, request()));
    expect(error.code).toBe('aws.throttled');
    expect([...world.records.values()].map((r) => r.outcome)).toEqual(['aws.throttled']);
    expect(world.events).toContain('audit.update success->aws.throttled');
    expect(world.corrections).toMatchObject([{ from: 'success', usage: { outcome: 'aws.throttled', lob: 'lob-a' } }]);
    expect(world.durations).toHaveLength(0);
  });

  it('written ahead: a refusal before the presign writes its record before answering', async () => {
    const { deps, world } = setup({ mode: 'write-ahead', rows: [lobRow('lob-a', { enabled: false })] });
    await refusalOf(launchStudio(deps, request()));
    expect(world.events).toEqual(['audit.write lob.disabled', 'usage.record lob.disabled']);
  });

  it('written ahead: a write that failed ahead is written again with the outcome', async () => {
    const { deps, world } = setup({ mode: 'write-ahead' });
    let failures = 0;
    const flaky: RecordSinks['audit']['write'] = async () => {
      failures++;
      throw new Error('DynamoDB unavailable');
    };
    const records: LaunchAuditRecord[] = [];
    // The first write (ahead) fails; settle writes the record again.
    deps.recorder = writeAheadRecorder({
      audit: {
        write: (record) => (failures === 0 ? flaky(record) : Promise.resolve(void records.push(record))),
        updateOutcome: async () => {},
      },
      usage: { record: async () => {}, correct: async () => {}, noteDuration: () => {} },
    });
    await launchStudio(deps, request());
    expect(failures).toBe(1);
    expect(records.map((r) => r.outcome)).toEqual(['success']);
    expect(world.lines.some((line) => line.includes('audit.write_ahead_failed'))).toBe(true);
  });

  it('written ahead with a changed LOB row: the record written by the first attempt keeps its key and ends with the outcome', async () => {
    let clock = NOW.getTime();
    const { deps, world } = setup({ mode: 'write-ahead', reread: (row) => ({ ...row, domainId: 'd-moved' }) });
    deps.now = () => new Date((clock += 1000));
    await launchStudio(deps, request());
    const records = [...world.records.values()];
    expect(records).toHaveLength(1);
    // The clock ticks a second a read: resolve (10:00:01), the first presign (10:00:02), the second (10:00:03).
    expect(records[0]).toMatchObject({ outcome: 'success', domainId: 'd-moved', at: '2026-12-07T10:00:02.000Z' });
  });
});
