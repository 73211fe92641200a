/**
 * The dependency gate of `npm test` (scripts/audit-deps.mjs) on `npm audit --omit=dev --json` reports:
 * a high or critical advisory fails it unless the allow-list excuses it with a reason; moderate ones do
 * not; an allow-list entry without a reason or past its date fails it; no answer from the registry is
 * reported as such (the script passes then unless NPM_AUDIT_REQUIRED=1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { judgeAudit } from '../../scripts/audit-deps.mjs';

const advisory = (id: string, severity: string) => ({
  source: 1,
  title: `title of ${id}`,
  url: `https://github.com/advisories/${id}`,
  severity,
});
const report = {
  vulnerabilities: {
    next: { severity: 'high', via: [advisory('GHSA-aaaa-bbbb-cccc', 'high')] },
    postcss: { severity: 'moderate', via: [advisory('GHSA-mmmm-mmmm-mmmm', 'moderate')] },
    'some-parent': { severity: 'critical', via: ['some-child'] },
    'some-child': { severity: 'critical', via: [advisory('GHSA-cccc-dddd-eeee', 'critical')] },
  },
};

describe('judgeAudit', () => {
  it('blocks high and critical advisories, not moderate ones, naming package and advisory', () => {
    const verdict = judgeAudit(report, []);
    expect(verdict.blocking.map((b: { package: string; id: string }) => `${b.package} ${b.id}`).sort()).toEqual([
      'next GHSA-aaaa-bbbb-cccc',
      'some-child GHSA-cccc-dddd-eeee',
    ]);
  });

  it('excuses an advisory the allow-list names with a reason, until its date', () => {
    const entry = {
      advisory: 'GHSA-aaaa-bbbb-cccc',
      package: 'next',
      reason: 'Only affects the pages router image optimizer, which the portal does not use.',
    };
    const verdict = judgeAudit(report, [entry], new Date('2026-12-07T00:00:00Z'));
    expect(verdict.blocking.map((b: { id: string }) => b.id)).toEqual(['GHSA-cccc-dddd-eeee']);
    expect(verdict.excused[0]).toMatchObject({ id: 'GHSA-aaaa-bbbb-cccc', reason: entry.reason });
    const expired = judgeAudit(report, [{ ...entry, until: '2026-01-01' }], new Date('2026-12-07T00:00:00Z'));
    expect(expired.badEntries).toHaveLength(1);
    expect(expired.blocking.map((b: { id: string }) => b.id)).toContain('GHSA-aaaa-bbbb-cccc');
    expect(judgeAudit(report, [{ ...entry, reason: '' }]).badEntries).toHaveLength(1);
  });

  it('tells an unreachable advisory endpoint apart from a clean report', () => {
    expect(judgeAudit({ message: '405 Method Not Allowed', statusCode: 405 }, []).unreachable).toContain('405');
    expect(judgeAudit({ vulnerabilities: {} }, [])).toEqual({ blocking: [], excused: [], badEntries: [] });
  });

  it('the script exits non-zero on a blocking report and zero on a clean one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
    const run = (r: unknown) => {
      writeFileSync(path.join(dir, 'r.json'), JSON.stringify(r));
      return spawnSync(process.execPath, ['scripts/audit-deps.mjs', '--report', path.join(dir, 'r.json')], {
        encoding: 'utf8',
      });
    };
    const blocked = run(report);
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toContain('BLOCKING critical GHSA-cccc-dddd-eeee in some-child');
    expect(run({ vulnerabilities: {} }).status).toBe(0);
  });
});
