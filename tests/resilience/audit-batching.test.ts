import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchingAuditWriter, type LaunchAuditRecord } from '@/lib/directory';
import { PortalError } from '@/lib/errors';
import { directoryClient, eventually } from '../support/directory';
import { accessTokenFor, expectAlive, expectLaunch, callStudioApi } from './support/api';
import { findSecretShapes } from './support/secrets';
import { startResilienceStack, type ResilienceStack } from './support/stack';

/**
 * After-response audit records of concurrent launches share BatchWriteItems (docs/performance.md):
 * every launch still gets its record, a lone record is one PutItem, a key written twice in one window
 * ends as the later record (as two PutItems would), and a DynamoDB outage fails every waiting write
 * with the directory error (which the launch flow logs as audit.write_failed).
 */
let stack: ResilienceStack;
let writer: BatchingAuditWriter;
let dir: ReturnType<typeof directoryClient>;

beforeAll(async () => {
  stack = await startResilienceStack();
  dir = directoryClient(stack.env);
  // The SDK's document client with the stand-in's credentials (the portal's reads them from its environment).
  writer = new BatchingAuditWriter(dir.doc, stack.env.TABLE_AUDIT);
});

afterEach(async () => {
  await stack?.control.clearFaults();
});

afterAll(async () => {
  await stack?.stop();
});

function record(requestId: string, outcome = 'success', at = new Date().toISOString()): LaunchAuditRecord {
  return { type: 'launch', user: 'user-lob-a', at, requestId, channel: 'api', outcome, lob: 'lob-a', app: 'studio' };
}

describe('BatchingAuditWriter against the DynamoDB stand-in', () => {
  it('writes a lone record with one PutItem', async () => {
    await stack.control.resetCounters();
    await writer.write(record('batch-lone-0001'));
    const counters = await stack.control.getCounters();
    expect(counters['dynamodb.PutItem']).toBe(1);
    expect(counters['dynamodb.BatchWriteItem'] ?? 0).toBe(0);
    expect(await dir.auditFor('batch-lone-0001')).toEqual([
      expect.objectContaining({ requestId: 'batch-lone-0001', outcome: 'success', ttl: expect.any(Number) }),
    ]);
  });

  it('stores 60 concurrent records with a few BatchWriteItems (at most 25 each)', async () => {
    await stack.control.resetCounters();
    const ids = Array.from({ length: 60 }, (_, i) => `batch-many-${String(i).padStart(4, '0')}`);
    await Promise.all(ids.map((id) => writer.write(record(id))));
    const counters = await stack.control.getCounters();
    const calls = (counters['dynamodb.BatchWriteItem'] ?? 0) + (counters['dynamodb.PutItem'] ?? 0);
    expect(counters['dynamodb.BatchWriteItem']).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(4);
    for (const id of ids) expect(await dir.auditFor(id), id).toHaveLength(1);
  });

  it('keeps the later of two records with the same key in one window, as PutItems would', async () => {
    const at = new Date().toISOString();
    await Promise.all([
      writer.write(record('batch-dupe-0001', 'success', at)),
      writer.write(record('batch-dupe-0001', 'aws.throttled', at)),
      writer.write(record('batch-dupe-0002', 'success', at)),
    ]);
    expect(await dir.auditFor('batch-dupe-0001')).toEqual([expect.objectContaining({ outcome: 'aws.throttled' })]);
    expect(await dir.auditFor('batch-dupe-0002')).toHaveLength(1);
  });

  it('fails every waiting write with directory.unavailable when DynamoDB is down, then writes again', async () => {
    await stack.control.setFault({ service: 'dynamodb', operation: '*', error: 'ServiceUnavailable' });
    const results = await Promise.allSettled(
      ['batch-down-0001', 'batch-down-0002', 'batch-down-0003'].map((id) => writer.write(record(id))),
    );
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(PortalError);
      expect((reason as PortalError).code).toBe('directory.unavailable');
    }
    await stack.control.clearFaults();
    await writer.write(record('batch-down-0004'));
    expect(await dir.auditFor('batch-down-0004')).toHaveLength(1);
  });
});

describe('the portal under concurrent API launches', () => {
  it('answers every launch and writes one audit record per launch, sharing BatchWriteItems', async () => {
    const token = await accessTokenFor(stack, 'user-lob-a', 'UserLobA1!');
    // Warm (JWKS, credentials, LOB row) so the burst below is all warm launches.
    expectLaunch(
      await callStudioApi(stack, '/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
      'd-loba1example',
    );
    await eventually(async () => ((await stack.control.getCounters())['dynamodb.PutItem'] ? true : undefined));
    await stack.control.resetCounters();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        callStudioApi(stack, '/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
      ),
    );
    for (const answer of answers) expectLaunch(answer, 'd-loba1example');
    const ids = answers.map((answer) => answer.headers.get('x-request-id')!);
    const records = await eventually(async () => {
      const found = await Promise.all(ids.map((id) => dir.auditFor(id)));
      return found.every((r) => r.length === 1) ? found.flat() : undefined;
    });
    for (const r of records)
      expect(r).toMatchObject({ type: 'launch', user: 'user-lob-a', channel: 'api', outcome: 'success', lob: 'lob-a' });
    const counters = await stack.control.getCounters();
    // Exactly the 2 calls per launch before the response (the warm-up's launch keeps the user's ended-access
    // summary, lib/access/launch-restore.ts); the 40 audit records took fewer than 40 writes.
    expect(counters['dynamodb.GetItem']).toBe(40);
    expect(counters['sagemaker.CreatePresignedDomainUrl']).toBe(40);
    const writes = (counters['dynamodb.BatchWriteItem'] ?? 0) + (counters['dynamodb.PutItem'] ?? 0);
    expect(counters['dynamodb.BatchWriteItem']).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThan(40);
    await expectAlive(stack);
    expect(stack.secrets.findIn(stack.portal.output())).toEqual([]);
    expect(findSecretShapes(stack.portal.output())).toEqual([]);
  });
});
