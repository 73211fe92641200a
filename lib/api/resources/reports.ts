/** /api/v1/audit and /api/v1/usage: the console's audit log query and usage report, scoped as there. */
import { z } from 'zod';
import { listAudit } from '@/lib/admin/audit';
import { parseAuditFilter, scopeAuditFilter } from '@/lib/admin/audit-filter';
import { getUsageReport, parseUsagePeriod } from '@/lib/admin/usage';
import { PortalError } from '@/lib/errors';
import { USAGE_PERIODS } from '@/lib/usage/report';
import { requireConsole } from '../authorize';
import { operationsOf } from '../operation';
import { pageOf, pageQuery } from '../schemas';

/** Optional string fields, in this order: the fields only some audit entries have (launches or admin changes). */
function optionalText<K extends string>(...keys: K[]) {
  return Object.fromEntries(keys.map((k) => [k, z.string().optional()])) as Record<K, z.ZodOptional<z.ZodString>>;
}

const auditEntrySchema = z
  .object({
    type: z.enum(['launch', 'admin']),
    at: z.string(),
    user: z.string().meta({ description: 'Who: a username, or `client@<name>` for a machine client.' }),
    requestId: z.string(),
    lob: z.string().optional(),
    lobs: z.array(z.string()),
    ...optionalText(
      ...['accountId', 'domainId', 'channel', 'app', 'outcome', 'roleSession', 'sourceIdentity'],
      ...['action', 'target', 'before', 'after', 'review'],
    ),
  })
  .meta({ id: 'AuditEntry' });

const auditOp = operationsOf('Audit log', { read: 'audit.read' });

export const queryAuditOp = auditOp('get /audit', 'queryAudit', {
  summary: 'Query the audit log, newest first (the console’s filters)',
  description: 'Owners see their LOBs only (their first LOB when none is chosen); `user` is a prefix.',
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

const usageOp = operationsOf('Usage', { read: 'usage.read' });

export const getUsageOp = usageOp('get /usage', 'getUsage', {
  summary: 'The usage report of the LOBs you may see (the console’s numbers)',
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
