/** The price table (shipped, or replaced by a file) and the LOB's running-time limit fields. */
import { describe, expect, it } from 'vitest';
import { costOf, isGpuInstance, parsePriceTable, SHIPPED_PRICE_TABLE } from '@/lib/cost/prices';
import { limitHoursFor, stopsAt } from '@/lib/cost/sweep';
import { emptyLobFormValues, parseLobFormValues } from '@/lib/admin/lob-form';

describe('price table', () => {
  it('ships with its source and date, and prices app seconds per region and instance type', () => {
    expect(SHIPPED_PRICE_TABLE.source).toMatch(/aws\.amazon\.com\/sagemaker\/pricing/);
    expect(SHIPPED_PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(costOf(SHIPPED_PRICE_TABLE, 'us-east-1', 'ml.t3.medium', 2 * 3600)).toBeCloseTo(0.1, 6);
    expect(costOf(SHIPPED_PRICE_TABLE, 'us-east-1', 'ml.unknown.type', 3600)).toBeUndefined();
    expect(costOf(SHIPPED_PRICE_TABLE, 'eu-central-1', 'ml.t3.medium', 3600)).toBeUndefined();
  });

  it('is replaced by a file, and a bad file is refused naming what is wrong', () => {
    const table = parsePriceTable(
      JSON.stringify({
        source: 'contract 2026',
        asOf: '2026-12-01',
        currency: 'EUR',
        prices: { 'eu-central-1': { 'ml.t3.medium': 0.06 } },
      }),
    );
    expect(costOf(table, 'eu-central-1', 'ml.t3.medium', 3600)).toBe(0.06);
    expect(() => parsePriceTable('{')).toThrow(/not valid JSON/);
    expect(() =>
      parsePriceTable(JSON.stringify({ source: 'x', asOf: 'yesterday', currency: 'USD', prices: {} })),
    ).toThrow(/asOf: asOf must be a date/);
    expect(() =>
      parsePriceTable(
        JSON.stringify({
          source: 'x',
          asOf: '2026-12-01',
          currency: 'USD',
          prices: { 'us-east-1': { 'ml.t3.medium': -1 } },
        }),
      ),
    ).toThrow(/prices\.us-east-1\.ml\.t3\.medium: prices must be numbers >= 0/);
  });
});

describe('Stop apps after (hours)', () => {
  const form = (stopAfterHours: string, stopAfterHoursGpu = '') =>
    parseLobFormValues({
      ...emptyLobFormValues('us-east-1'),
      lob: 'lob-x',
      displayName: 'X',
      accountId: '123456789012',
      domainId: 'd-abc123',
      stopAfterHours,
      stopAfterHoursGpu,
    });

  it('is optional (empty = no limit), whole hours 1-720, with another value for GPU instance types', () => {
    const none = form('');
    expect(none.success && none.input.stopAfterHours).toBeUndefined();
    const both = form('8', '2');
    expect(both.success && [both.input.stopAfterHours, both.input.stopAfterHoursGpu]).toEqual([8, 2]);
    expect(form('0')).toMatchObject({ success: false, fieldErrors: { stopAfterHours: 'At least 1 hour.' } });
    expect(form('1.5')).toMatchObject({ success: false, fieldErrors: { stopAfterHours: 'Use whole hours.' } });
    expect(form('eight')).toMatchObject({
      success: false,
      fieldErrors: { stopAfterHours: expect.stringMatching(/whole number of hours/) },
    });
    expect(form('8', '721')).toMatchObject({
      success: false,
      fieldErrors: { stopAfterHoursGpu: 'At most 720 hours (30 days).' },
    });
  });

  it('applies the GPU limit to GPU instance types only', () => {
    const lob = { stopAfterHours: 8, stopAfterHoursGpu: 2 };
    expect(isGpuInstance('ml.g4dn.xlarge')).toBe(true);
    expect(isGpuInstance('ml.m5.large')).toBe(false);
    expect(limitHoursFor(lob, 'ml.g5.xlarge')).toBe(2);
    expect(limitHoursFor(lob, 'ml.t3.medium')).toBe(8);
    expect(limitHoursFor({ stopAfterHours: 8 }, 'ml.p3.2xlarge')).toBe(8);
    const start = new Date('2026-12-07T08:00:00Z');
    expect(stopsAt(lob, { instanceType: 'ml.t3.medium', createdAt: start })?.toISOString()).toBe(
      '2026-12-07T16:00:00.000Z',
    );
    expect(stopsAt({}, { instanceType: 'ml.t3.medium', createdAt: start })).toBeUndefined();
  });
});
