/**
 * The demo history (LOCAL_DEMO_HISTORY=true): the last 30 days of launches and app hours for the demo LOBs,
 * counted back from the stand-ins' start, and apps running now, read back through the portal's own reports.
 */
import { describe, expect, it } from 'vitest';
import { createDynamoDocumentClient } from '@/lib/aws/clients';
import { inProcessPortalConfig } from '@/local/in-process-portal';
import { DEMO_LOBS } from '@/local/demo-data';
import { readInstanceUsage } from '@/lib/cost/report';
import { SHIPPED_PRICE_TABLE } from '@/lib/cost/prices';
import { readUsage } from '@/lib/usage/report';
import { useLocalStack } from '../local/helpers';

const stack = useLocalStack({ LOCAL_DEMO_HISTORY: 'true' });

describe('demo history', () => {
  it('seeds 30 days of launches and priced app hours for every demo LOB, and apps running now', async () => {
    const config = inProcessPortalConfig(stack());
    const ddb = createDynamoDocumentClient(config);
    const today = new Date();
    const usage = await readUsage(
      { doc: ddb, table: config.tables.usage },
      { lobs: DEMO_LOBS.map((l) => l.lob), days: 30, today },
    );
    for (const lob of DEMO_LOBS) {
      const perDay = usage.launches[lob.lob] ?? [];
      expect(perDay.reduce((a, n) => a + n, 0)).toBeGreaterThan(10);
      // Counted back from the start: nothing in the future, today left to the real counters.
      expect(perDay.at(-1)).toBe(0);
    }
    const hours = await readInstanceUsage(
      { ddb, tables: config.tables, prices: SHIPPED_PRICE_TABLE },
      DEMO_LOBS,
      30,
      today,
    );
    expect(hours.byLob.every((l) => l.hours > 10 && l.cost > 0)).toBe(true);
    expect(hours.rows.map((r) => r.instanceType)).toContain('ml.g4dn.xlarge');
    const running = [...stack().aws.domains.values()]
      .flatMap((d) => [...d.apps.values()])
      .filter((a) => a.status === 'InService');
    expect(running.map((a) => `${a.userProfile}/${a.spaceName}/${a.instanceType}`)).toEqual(
      expect.arrayContaining(['user-lob-a/user-lob-a-ds/ml.t3.medium', 'user-multi/user-multi-gpu/ml.g4dn.xlarge']),
    );
  });
});
