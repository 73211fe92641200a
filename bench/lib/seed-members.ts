/** Bench data: `users` Users rows, every 10th a member of lob-a (a third of those with an end date), the rest in lob-b. */
import { parseConfig } from '../../lib/config';
import { createDynamoDocumentClient } from '../../lib/aws/clients';
import { createAdminDeps } from '../../lib/admin/deps';
import type { TableWrite } from '../../lib/directory/writes';
import { startStandIns, type StandInsHandle } from '../../local/stack';

/** The portal's configuration and admin dependencies against running stand-ins (their credentials in process.env). */
export function benchDeps(portalEnv: Record<string, string>) {
  const env: Record<string, string> = {
    ...portalEnv,
    NEXTAUTH_URL: 'http://localhost:3000',
    NEXTAUTH_SECRET: 'b'.repeat(32),
  };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
  });
  const config = parseConfig(env);
  return { env, config, deps: createAdminDeps(config, createDynamoDocumentClient(config)) };
}

/** A numeric `--name N` option of the bench's command line, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `body` against freshly started stand-ins and the portal's deps on them; stops the stand-ins after. */
export async function withBenchStandIns<T>(
  body: (bench: ReturnType<typeof benchDeps> & { standIns: StandInsHandle }) => Promise<T>,
): Promise<T> {
  const standIns = await startStandIns({ timeoutMs: 180_000 });
  try {
    return await body({ ...benchDeps(standIns.portalEnv), standIns });
  } finally {
    await standIns.stop();
  }
}

export function memberWrites(usersTable: string, users: number, now: number): TableWrite[] {
  const writes: TableWrite[] = [];
  for (let i = 0; i < users; i++) {
    const lob = i % 10 === 0 ? 'lob-a' : 'lob-b';
    const until = i % 30 === 0 ? new Date(now + ((i % 60) + 1) * 86400_000).toISOString() : undefined;
    writes.push({
      table: usersTable,
      request: {
        PutRequest: {
          Item: {
            username: `bench-u-${String(i).padStart(6, '0')}`,
            kind: 'user',
            version: 1,
            lobs: [lob],
            memberships: { [lob]: { via: 'admin', ...(until ? { until } : {}) } },
          },
        },
      },
    });
  }
  return writes;
}

/**
 * A pending request as requestWrites.create stores it (the request with its queue key, its guard item),
 * for BatchWriteItem seeding; `extra` adds attributes (the lapse index keys). Counters are the caller's.
 */
export function pendingRequestWrites(
  requestsTable: string,
  request: { id: string; lob: string; requester: string; createdAt: string },
  extra: Record<string, unknown> = {},
): TableWrite[] {
  const item = {
    ...request,
    pendingLob: request.lob,
    justification: 'bench justification text',
    days: 30,
    status: 'pending',
    ...extra,
  };
  return [
    { table: requestsTable, request: { PutRequest: { Item: item } } },
    {
      table: requestsTable,
      request: { PutRequest: { Item: { id: `pending#${request.lob}#${request.requester}`, request: request.id } } },
    },
  ];
}
