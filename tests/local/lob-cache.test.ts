/**
 * CachedLobReader (lib/directory/lobs.ts) over the real LobsRepository against the DynamoDB stand-in, on a
 * controllable clock: fresh rows cost nothing, expired rows are handed out at once and re-read beside
 * (stale-while-revalidate), and `revalidate` gives exactly the launches that got a stale row their re-read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from './helpers';
import { control } from '../../local/stack';
import type { RunningStandIns } from '../../local/stand-ins';
import { inProcessPortalConfig } from '@/local/in-process-portal';
import { CachedLobReader, createDirectory, type Directory } from '@/lib/directory';

let stack: RunningStandIns;
let ctl: ReturnType<typeof control>;
let directory: Directory;
let table: string;
let now = 0;
const TTL_SECONDS = 30;
const newReader = () => new CachedLobReader(directory.lobsRepository, TTL_SECONDS, () => now);
const reads = async () => (await ctl.getCounters())['dynamodb.GetItem'] ?? 0;
const scans = async () => (await ctl.getCounters())['dynamodb.Scan'] ?? 0;
const setDisplayName = (lob: string, displayName: string) =>
  directory.doc.send(
    new UpdateCommand({
      TableName: table,
      Key: { lob },
      UpdateExpression: 'SET displayName = :d',
      ExpressionAttributeValues: { ':d': displayName },
    }),
  );

beforeAll(async () => {
  stack = await startLocalStack();
  ctl = control(stack.urls.control);
  const config = inProcessPortalConfig(stack);
  directory = createDirectory(config);
  table = config.tables.lobs;
}, 120_000);
afterAll(async () => {
  await setDisplayName('lob-a', 'Line of Business A').catch(() => undefined);
  await stack?.stop();
});
beforeEach(async () => {
  now = Date.parse('2026-12-02T00:00:00Z');
  await ctl.clearFaults();
  await setDisplayName('lob-a', 'Line of Business A');
  await ctl.resetCounters();
});

describe('CachedLobReader: stale-while-revalidate', () => {
  it('serves a row read inside the window without a call, and nothing to confirm', async () => {
    const reader = newReader();
    const first = await reader.getLob('lob-a');
    now += (TTL_SECONDS - 1) * 1000;
    const again = await reader.getLob('lob-a');
    expect(again).toBe(first);
    expect(await reads()).toBe(1);
    expect(reader.revalidate(again!)).toBeUndefined();
  });

  it('hands out an expired row at once and re-reads it once for every launch that got it; revalidate gives them the new row', async () => {
    const reader = newReader();
    const cached = (await reader.getLob('lob-a'))!;
    await setDisplayName('lob-a', 'Renamed A');
    now += (TTL_SECONDS + 1) * 1000;
    await ctl.resetCounters();
    const [stale1, stale2] = await Promise.all([reader.getLob('lob-a'), reader.getLob('lob-a')]);
    expect(stale1).toBe(cached);
    expect(stale2).toBe(cached);
    const reread = await reader.revalidate(stale1!);
    expect(reread?.displayName).toBe('Renamed A');
    expect(await reader.revalidate(stale2!)).toBe(reread);
    expect(await reads()).toBe(1);
    // The re-read is the cache's row now: fresh, nothing to confirm.
    const next = await reader.getLob('lob-a');
    expect(next).toBe(reread);
    expect(reader.revalidate(next!)).toBeUndefined();
    expect(await reads()).toBe(1);
  });

  it('does the same for the LOB list (group-mapped users)', async () => {
    const reader = newReader();
    const list = await reader.listLobs();
    await setDisplayName('lob-a', 'Renamed A');
    now += (TTL_SECONDS + 1) * 1000;
    await ctl.resetCounters();
    const stale = await reader.listLobs();
    expect(stale).toBe(list);
    const row = stale.find((l) => l.lob === 'lob-a')!;
    expect((await reader.revalidate(row))?.displayName).toBe('Renamed A');
    expect(await scans()).toBe(1);
    expect((await reader.listLobs()).find((l) => l.lob === 'lob-a')?.displayName).toBe('Renamed A');
    expect(await scans()).toBe(1);
  });

  it('reads a LOB known to be missing again before answering (nothing missing is served stale)', async () => {
    const reader = newReader();
    expect(await reader.getLob('lob-nope')).toBeUndefined();
    now += (TTL_SECONDS + 1) * 1000;
    await ctl.resetCounters();
    expect(await reader.getLob('lob-nope')).toBeUndefined();
    expect(await reads()).toBe(1);
  });

  it('a failed re-read fails the confirmation of the stale row, and the next read tries again', async () => {
    const reader = newReader();
    await reader.getLob('lob-a');
    now += (TTL_SECONDS + 1) * 1000;
    await ctl.setFault({ service: 'dynamodb', operation: 'GetItem', error: 'ServiceUnavailable', rate: 1 });
    const stale = (await reader.getLob('lob-a'))!;
    await expect(reader.revalidate(stale)).rejects.toMatchObject({ code: 'directory.unavailable' });
    await ctl.clearFaults();
    const again = (await reader.getLob('lob-a'))!;
    expect(again).toBe(stale);
    expect((await reader.revalidate(again))?.lob).toBe('lob-a');
  });

  it('a re-read that started before invalidate() does not fill the cache after it', async () => {
    const reader = newReader();
    await reader.getLob('lob-a');
    now += (TTL_SECONDS + 1) * 1000;
    const stale = (await reader.getLob('lob-a'))!;
    reader.invalidate('lob-a');
    await reader.revalidate(stale);
    await ctl.resetCounters();
    await reader.getLob('lob-a');
    expect(await reads()).toBe(1);
  });

  it('with a window of 0 every read goes to DynamoDB and nothing is served stale', async () => {
    const reader = new CachedLobReader(directory.lobsRepository, 0, () => now);
    const first = (await reader.getLob('lob-a'))!;
    const second = (await reader.getLob('lob-a'))!;
    expect(second).not.toBe(first);
    expect(reader.revalidate(second)).toBeUndefined();
    expect(await reads()).toBe(2);
  });
});
