/** /api/v1/audit and /api/v1/usage: the console's audit log query and usage report, scoped as there. */
import { z } from 'zod';
import { listAudit } from '@/lib/admin/audit';
import { parseAuditFilter, scopeAuditFilter } from '@/lib/admin/audit-filter';
import { getUsageReport, parseUsagePeriod } from '@/lib/admin/usage';
import { PortalError } from '@/lib/errors';
import { USAGE_PERIODS } from '@/lib/usage/report';
import { requireConsole } from '../authorize';
import { defineOperation } from '../operation';
import { pageOf, pageQuery } from '../schemas';

const auditEntrySchema = z
  .object({
    type: z.enum(['launch', 'admin']),
    at: z.string(),
    user: z.string().meta({ description: 'Who: a username, or `client@<name>` for a machine client.' }),
    requestId: z.string(),
    lob: z.string().optional(),
    lobs: z.array(z.string()),
    accountId: z.string().optional(),
    domainId: z.string().optional(),
    channel: z.string().optional(),
    app: z.string().optional(),
    outcome: z.string().optional(),
    roleSession: z.string().optional(),
    sourceIdentity: z.string().optional(),
    action: z.string().optional(),
    target: z.string().optional(),
    before: z.string().optional(),
    after: z.string().optional(),
    review: z.string().optional(),
  })
  .meta({ id: 'AuditEntry' });

export const queryAuditOp = defineOperation({
  id: 'queryAudit',
  method: 'get',
  path: '/audit',
  tag: 'Audit log',
  summary: 'Query the audit log, newest first (the console’s filters)',
  description: 'Owners see their LOBs only (their first LOB when none is chosen); `user` is a prefix.',
  scope: 'audit.read',
  query: pageQuery(500).extend({
    user: z.string().max(128).optional(),
    lob: z.string().max(63).optional(),
    type: z.enum(['launch', 'admin']).optional(),
  }),
  success: { status: 200, description: 'A page of entries.', schema: pageOf(auditEntrySchema, 'AuditPage') },
  handle: async ({ caller, query, deps }) => {
    requireConsole(caller, 'audit.list');
    const filter = scopeAuditFilter(
      parseAuditFilter({ user: query.user, lob: query.lob, type: query.type }),
      caller.access,
    );
    if (!filter) throw new PortalError('auth.forbidden', `You may not read the audit log of ${query.lob}.`);
    const page = await listAudit(deps, filter, { limit: query.limit, pageToken: query.next });
    return { body: { items: page.entries, ...(page.nextToken ? { next: page.nextToken } : {}) } };
  },
});

const series = z.record(z.string(), z.array(z.number()));

const usageReportSchema = z
  .object({
    days: z.array(z.string()),
    lobs: z.array(z.string()),
    launches: series,
    failures: series,
    failuresByCode: z.array(z.object({ code: z.string(), count: z.number() })),
    perLob: z.array(
      z.object({
        lob: z.string(),
        launches: z.number(),
        failures: z.number(),
        activeUsers: z.number(),
        medianMs: z.number().optional(),
        p95Ms: z.number().optional(),
      }),
    ),
    activeUsersPerDay: series.optional(),
    userMonths: z.array(z.string()),
    topUsers: z.array(z.object({ user: z.string(), lob: z.string(), launches: z.number() })),
  })
  .meta({ id: 'UsageReport' });

export const getUsageOp = defineOperation({
  id: 'getUsage',
  method: 'get',
  path: '/usage',
  tag: 'Usage',
  summary: 'The usage report of the LOBs you may see (the console’s numbers)',
  scope: 'usage.read',
  query: z.object({
    days: z
      .enum(USAGE_PERIODS.map(String) as [string, ...string[]])
      .default('30')
      .meta({ description: 'The period: 30 or 90 UTC days ending today.' }),
    perDayUsers: z.enum(['true', 'false']).optional().meta({ description: 'Also distinct users per LOB and day.' }),
  }),
  success: { status: 200, description: 'The report.', schema: usageReportSchema },
  handle: async ({ caller, query, deps }) => {
    requireConsole(caller, 'usage.read');
    return {
      body: await getUsageReport(deps, caller.access, parseUsagePeriod(query.days), {
        perDayUsers: query.perDayUsers === 'true',
      }),
    };
  },
});

export const REPORT_OPERATIONS = [queryAuditOp, getUsageOp];
