/**
 * The navigation's pending-request count: a counter item per LOB moved inside the same transactions that
 * create, withdraw, approve and deny requests (lib/admin/requests.ts), read with one BatchGetItem. Against
 * the stand-ins' DynamoDB Local through the production SDK clients; concurrent requests in one LOB (all
 * touching its counter) all land and are all counted.
 */
import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminDeps } from '@/lib/admin/deps';
import { approveRequest, countPendingRequests, createRequest, denyRequest } from '@/lib/admin/requests';
import { getRequest, listPendingRequests, listRequestsOf, withdrawRequest } from '@/lib/admin/requests';
import type { Control } from '../support/portal-stack';
import { useAdminStandIns } from '../support/admin-stand-ins';

let deps: AdminDeps;
let ctl: Control;
useAdminStandIns((started) => ({ deps, ctl } = started), { notify: false });

const ask = (who: string, lob: string) =>
  createRequest(deps, who, { lob, justification: 'Needed for the quarterly model review', days: 30 });

describe('Pending-request count (counter items in the request transactions)', () => {
  it('counts requests filed at the same moment in one LOB, per LOB and in total', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(`count-user-${i}`, 'lob-a')));
    await ask('count-user-b', 'lob-b');
    expect(made).toHaveLength(12);
    expect(await countPendingRequests(deps, ['lob-a'])).toBe(12);
    expect(await countPendingRequests(deps, ['lob-b'])).toBe(1);
    expect(await countPendingRequests(deps, ['lob-a', 'lob-b'])).toBe(13);
    expect((await listPendingRequests(deps, ['lob-a'], { limit: 200 })).requests).toHaveLength(12);
  });

  it('reads the count with one BatchGetItem, whatever the queue length', async () => {
    await ctl.resetCounters();
    await countPendingRequests(deps, ['lob-a', 'lob-b']);
    const counters = await ctl.getCounters();
    expect(counters['dynamodb.BatchGetItem']).toBe(1);
    expect(counters['dynamodb.Query'] ?? 0).toBe(0);
  });

  it('goes down on withdrawal, approval and denial, and not again for a refused second decision or a duplicate request', async () => {
    const { requests } = await listPendingRequests(deps, ['lob-a'], { limit: 200 });
    const [w, a, d] = requests;
    await withdrawRequest(deps, w.requester, w.id);
    await approveRequest(deps, 'count-owner', a.id, 7);
    await denyRequest(deps, 'count-owner', d.id, 'Not this quarter');
    expect(await countPendingRequests(deps, ['lob-a'])).toBe(9);
    await expect(approveRequest(deps, 'other-owner', a.id)).rejects.toThrow(/already approved by count-owner/);
    await expect(ask(requests[3].requester, 'lob-a')).rejects.toThrow(/already have a pending request/);
    expect(await countPendingRequests(deps, ['lob-a'])).toBe(9);
  });

  it('two owners deciding one request at once move the count once', async () => {
    const { requests } = await listPendingRequests(deps, ['lob-a'], { limit: 1 });
    const results = await Promise.allSettled([
      approveRequest(deps, 'owner-1', requests[0].id),
      denyRequest(deps, 'owner-2', requests[0].id, 'Duplicate of another request'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await countPendingRequests(deps, ['lob-a'])).toBe(8);
  });
});

describe('Request items at the data layer border', () => {
  it('reads back what was filed as the domain shape (no index keys), and never a guard or counter item as a request', async () => {
    const filed = await ask('border-user', 'lob-b');
    const read = await getRequest(deps, filed.id);
    expect(read).toEqual(filed);
    expect(read).not.toHaveProperty('pendingLob');
    expect((await listRequestsOf(deps, 'border-user'))[0]).toEqual(filed);
    expect(await getRequest(deps, 'pending#lob-b#border-user')).toBeNull();
    expect(await getRequest(deps, 'count#lob-b')).toBeNull();
  });

  it('refuses a stored request that is not what the portal writes, naming the item and the field', async () => {
    const item = {
      id: 'hand-edited',
      lob: 'lob-z',
      requester: 'someone',
      justification: 'typed into the console',
      days: 30,
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    await deps.ddb.send(new PutCommand({ TableName: deps.tables.requests, Item: { ...item, status: 'maybe' } }));
    await expect(getRequest(deps, 'hand-edited')).rejects.toMatchObject({
      code: 'directory.item_invalid',
      message: expect.stringMatching(/Requests item hand-edited .*status/),
    });
    await deps.ddb.send(
      new PutCommand({ TableName: deps.tables.requests, Item: { ...item, status: 'pending', days: '30' } }),
    );
    await expect(getRequest(deps, 'hand-edited')).rejects.toMatchObject({
      code: 'directory.item_invalid',
      message: expect.stringContaining('days'),
    });
  });
});
