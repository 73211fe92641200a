/**
 * Memory of the generator-session cache at 10,000 users per instance: the portal's own GeneratorSessions
 * (lib/aws/generator-sessions.ts) filled through the STS stand-in with real AssumeRole calls (SourceIdentity,
 * two session tags, a realistic session-token size), heap measured after a full GC before and after.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { STSClient } from '@aws-sdk/client-sts';
import { GeneratorSessions } from '../lib/aws/generator-sessions';
import type { control } from '../local/stack';

export interface SessionCacheResult {
  users: number;
  maxSessions: number;
  held: number;
  heapMb: number;
  bytesPerSession: number;
  assumeRoleCalls: number;
  warmStsCalls: number;
  fillSeconds: number;
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function runSessionCache(opts: {
  portalEnv: Record<string, string>;
  control: ReturnType<typeof control>;
  users: number;
  maxSessions: number;
  log: (message: string) => void;
}): Promise<SessionCacheResult> {
  const gc = collectGarbage();
  const env = opts.portalEnv;
  const sts = new STSClient({
    region: env.AWS_REGION,
    endpoint: env.STS_ENDPOINT,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  const sessions = new GeneratorSessions({ sts, maxSessions: opts.maxSessions });
  const target = { lob: 'lob-a', accountId: '111111111111', roleName: 'PresignedUrlGenerator' };
  const names = Array.from({ length: opts.users }, (_, i) => `bench-user-${String(i).padStart(5, '0')}`);
  await opts.control.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0, studio: 0 });
  // Warm the SDK's code paths first so the measurement is the cache, not module loading.
  await sessions.get(target, 'bench-warm-up');
  await opts.control.resetCounters();
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = Date.now();
  opts.log(`sessions: opening ${opts.users} generator sessions through the STS stand-in`);
  const queue = [...names];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) await sessions.get(target, name);
    }),
  );
  const fillSeconds = Math.round((Date.now() - started) / 100) / 10;
  gc();
  const after = process.memoryUsage().heapUsed;
  const assumeRoleCalls = (await opts.control.getCounters())['sts.AssumeRole'] ?? 0;
  await opts.control.resetCounters();
  for (const name of names.slice(-100)) await sessions.get(target, name);
  const warmStsCalls = (await opts.control.getCounters())['sts.AssumeRole'] ?? 0;
  sts.destroy();
  const held = sessions.size;
  return {
    users: opts.users,
    maxSessions: opts.maxSessions,
    held,
    heapMb: Math.round(((after - before) / 1024 / 1024) * 10) / 10,
    bytesPerSession: Math.round((after - before) / Math.max(1, held)),
    assumeRoleCalls,
    warmStsCalls,
    fillSeconds,
  };
}
