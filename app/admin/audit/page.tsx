import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listAudit, type AuditEntry } from '@/lib/admin/audit';
import { parseAuditFilter, auditQueryString, scopeAuditFilter } from '@/lib/admin/audit-filter';
import { listLobs } from '@/lib/admin/lobs';
import { nextPageCursor, previousPageCursor, readPageCursor, writePageCursor, FIRST_PAGE, type PageCursor } from '@/lib/admin/page-cursor';
import { inputClass, labelClass, linkClass, secondaryButtonClass } from '@/components/admin/form-parts';
import { Badge, Card, PageHeader, Pager, TableFrame, tableClass, tbodyClass, tdClass, thClass, theadClass, wideOnly } from '@/components/admin/page-parts';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { isPortalError } from '@/lib/errors';

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.type === 'launch') {
    return (
      <span>
        Launch {entry.app ? `(${entry.app}) ` : ''}via {entry.channel ?? '?'} · account{' '}
        <span className="font-mono">{entry.accountId ?? '?'}</span> · <span className="font-mono">{entry.domainId ?? '?'}</span>
      </span>
    );
  }
  return (
    <details className="group">
      <summary className="cursor-pointer rounded-sm text-slate-900">
        <span className="font-mono text-xs">{entry.action}</span> <strong className="font-semibold">{entry.target}</strong>
      </summary>
      {entry.review ? <p className="mt-1 text-xs"><Link className={linkClass} href={`/admin/reviews/${encodeURIComponent(entry.review)}`}>Review {entry.review.slice(0, 8)}</Link></p> : null}
      <dl className="mt-2 space-y-1 text-xs">
        <dt className="font-semibold text-slate-600">Before</dt>
        <dd><code className="block rounded bg-slate-50 p-1.5 break-all text-slate-800">{entry.before}</code></dd>
        <dt className="font-semibold text-slate-600">After</dt>
        <dd><code className="block rounded bg-slate-50 p-1.5 break-all text-slate-800">{entry.after}</code></dd>
      </dl>
    </details>
  );
}

function Outcome({ entry }: { entry: AuditEntry }) {
  if (entry.type === 'admin') return <Badge tone="neutral">saved</Badge>;
  return entry.outcome === 'success' ? <Badge tone="success">success</Badge> : <Badge tone="danger">{entry.outcome ?? '?'}</Badge>;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const access = await requireConsolePage('/admin/audit');
  const params = await searchParams;
  // A LOB owner reads only their LOBs' entries.
  const filter = scopeAuditFilter(parseAuditFilter(params), access) ?? forbidden();
  const deps = getAdminDeps();
  let error: string | undefined;
  let entries: AuditEntry[] = [];
  let cursor = FIRST_PAGE;
  let nextToken: string | undefined;
  const lobs = (await listLobs(deps)).filter((l) => access.lobs.includes(l.lob));
  try {
    cursor = readPageCursor(params.page);
    const page = await listAudit(deps, filter, { limit: 50, pageToken: cursor.token });
    entries = page.entries;
    nextToken = page.nextToken;
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const qs = auditQueryString(filter);
  const pageHref = (at?: PageCursor) => {
    const search = new URLSearchParams(qs);
    const page = at && writePageCursor(at);
    if (page) search.set('page', page);
    return `/admin/audit${search.size ? `?${search}` : ''}`;
  };
  const previous = previousPageCursor(cursor);
  return (
    <div>
      <PageHeader
        title="Audit log"
        description="Launches and admin changes, newest first. A change to a user’s memberships is listed under every LOB it added or removed."
        actions={<a className={secondaryButtonClass} href={`/admin/audit/export${qs ? `?${qs}` : ''}`} download>Export CSV</a>}
      />
      <Card aria-label="Filter the audit log" className="mb-6">
        <form method="get" action="/admin/audit" className="flex flex-wrap items-end gap-4">
          <div className="w-full sm:w-56">
            <label htmlFor="user" className={labelClass}>User (who acted)</label>
            <input id="user" name="user" defaultValue={filter.user ?? ''} className={inputClass} autoComplete="off" />
          </div>
          <div className="w-full sm:w-48">
            <label htmlFor="lob" className={labelClass}>Line of business</label>
            <select id="lob" name="lob" defaultValue={filter.lob ?? ''} className={inputClass}>
              {access.platformAdmin ? <option value="">Any</option> : null}
              {lobs.map((l) => <option key={l.lob} value={l.lob}>{l.lob}</option>)}
            </select>
          </div>
          <div className="w-full sm:w-48">
            <label htmlFor="type" className={labelClass}>Type</label>
            <select id="type" name="type" defaultValue={filter.type ?? ''} className={inputClass}>
              <option value="">Any</option>
              <option value="launch">Launches</option>
              <option value="admin">Admin changes</option>
            </select>
          </div>
          <Button type="submit">Filter</Button>
        </form>
      </Card>
      {error ? (
        <div className="mb-4">
          <Alert tone="error" title="The audit log could not be read">
            <p>{error}</p>
            <p className="mt-2"><Link className="font-semibold underline underline-offset-2" href={pageHref()}>Start again from the newest entries</Link></p>
          </Alert>
        </div>
      ) : null}
      <TableFrame label="Audit entries">
        <table className={tableClass} data-testid="audit-table">
          <caption className="sr-only">Audit entries, newest first, page {cursor.number}</caption>
          <thead className={theadClass}>
            <tr>
              <th scope="col" className={thClass}>Time (UTC)</th>
              <th scope="col" className={`${thClass} ${wideOnly}`}>Type</th>
              <th scope="col" className={thClass}>User</th>
              <th scope="col" className={thClass}>LOB</th>
              <th scope="col" className={thClass}>What</th>
              <th scope="col" className={thClass}>Outcome</th>
              <th scope="col" className={`${thClass} ${wideOnly}`}>Request id</th>
            </tr>
          </thead>
          <tbody className={tbodyClass}>
            {entries.map((entry) => (
              <tr key={`${entry.at}${entry.requestId}${entry.target ?? ''}${entry.lob ?? ''}`} className="hover:bg-slate-50" data-type={entry.type}>
                <td className={`${tdClass} whitespace-nowrap tabular-nums`}><time dateTime={entry.at}>{entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time></td>
                <td className={`${tdClass} ${wideOnly}`}>{entry.type}</td>
                <td className={`${tdClass} whitespace-nowrap`}>{entry.user}</td>
                <td className={`${tdClass} whitespace-nowrap`} data-testid="audit-lobs">{entry.lobs.join(', ')}</td>
                <td className={`${tdClass} min-w-56`}><Change entry={entry} /></td>
                <td className={tdClass}><Outcome entry={entry} /></td>
                <td className={`${tdClass} ${wideOnly} font-mono text-xs whitespace-nowrap`}>{entry.requestId}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 && !error ? <p className="px-4 py-6 text-sm text-slate-600">No entries match.</p> : null}
      </TableFrame>
      {!error ? (
        <Pager
          number={cursor.number}
          firstHref={pageHref()}
          previousHref={previous ? pageHref(previous) : undefined}
          nextHref={nextToken ? pageHref(nextPageCursor(cursor, nextToken)) : undefined}
          firstLabel="Newest entries"
          previousLabel="Newer entries"
          nextLabel="Older entries"
        />
      ) : null}
    </div>
  );
}
