import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listAudit, type AuditEntry } from '@/lib/admin/audit';
import { parseAuditFilter, auditQueryString, scopeAuditFilter } from '@/lib/admin/audit-filter';
import { listLobs } from '@/lib/admin/lobs';
import { readCursorPage, type PageCursor } from '@/lib/admin/page-cursor';
import { inputClass, labelClass, linkClass, secondaryButtonClass } from '@/components/admin/form-parts';
import { Badge, FilterForm, ListError, PageHeader, tdClass, wideOnly } from '@/components/admin/page-parts';
import { Options } from '@/components/ui/options';
import { DataTable, wideColumn } from '@/components/admin/data-table';
import { CursorPager, cursorHref } from '@/components/admin/cursor-pager';
import { auditActionLabel, describeChange, outcomeLabel } from '@/lib/admin/labels';
import { APP_LABELS } from '@/lib/admin/validation';
import { Time } from '@/components/ui/time';

const AUDIT_COLUMNS = ['Time', wideColumn('Type'), 'User', 'LOB', 'What', 'Outcome', wideColumn('Request id')];

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.type === 'launch') {
    const app = entry.app ? ((APP_LABELS as Record<string, string>)[entry.app] ?? entry.app) : 'Studio';
    const channel =
      entry.channel === 'api' ? 'the API' : entry.channel === 'portal' ? 'the portal' : (entry.channel ?? '?');
    return (
      <span>
        Opened {app} via {channel} · account <span className="font-mono">{entry.accountId ?? '?'}</span> ·{' '}
        <span className="font-mono">{entry.domainId ?? '?'}</span>
        {entry.roleSession ? (
          <span className="mt-1 block text-xs text-slate-600" data-testid="audit-role-session">
            As <span className="font-mono break-all text-slate-800">{entry.roleSession}</span>
            {entry.sourceIdentity ? (
              <>
                {' '}
                (source identity <span className="font-mono text-slate-800">{entry.sourceIdentity}</span>)
              </>
            ) : null}
          </span>
        ) : null}
      </span>
    );
  }
  const changes = describeChange(entry.before, entry.after);
  return (
    <details className="group">
      <summary className="cursor-pointer rounded-sm text-slate-900">
        {entry.action?.startsWith('access.emergency') ? (
          <>
            <Badge tone="danger" testId="audit-emergency">
              Emergency
            </Badge>{' '}
          </>
        ) : null}
        {auditActionLabel(entry.action)}: <strong className="font-semibold">{entry.target}</strong>{' '}
        <span className="font-mono text-xs text-slate-600" data-testid="audit-action">
          {entry.action}
        </span>
      </summary>
      {entry.review ? (
        <p className="mt-1 text-xs">
          <Link className={linkClass} href={`/admin/reviews/${encodeURIComponent(entry.review)}`}>
            Review {entry.review.slice(0, 8)}
          </Link>
        </p>
      ) : null}
      {changes.length ? (
        <table className="mt-2 w-full text-xs" data-testid="audit-diff">
          <caption className="sr-only">What changed</caption>
          <thead>
            <tr className="text-left text-slate-600">
              <th scope="col" className="py-1 pr-3 font-semibold">
                Field
              </th>
              <th scope="col" className="py-1 pr-3 font-semibold">
                Before
              </th>
              <th scope="col" className="py-1 font-semibold">
                After
              </th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.field} className="align-top" data-field={c.field}>
                <th scope="row" className="py-1 pr-3 text-left font-medium text-slate-700">
                  {c.label}
                </th>
                <td className="py-1 pr-3 break-all text-slate-700">{c.before}</td>
                <td className="py-1 break-all font-medium text-slate-900">{c.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-2 text-xs text-slate-600">Nothing changed.</p>
      )}
    </details>
  );
}

function Outcome({ entry }: { entry: AuditEntry }) {
  if (entry.type === 'admin') return <Badge tone="neutral">Saved</Badge>;
  const label = outcomeLabel(entry.outcome);
  return (
    <span title={entry.outcome} data-code={entry.outcome}>
      <Badge tone={entry.outcome === 'success' ? 'success' : 'danger'}>{label}</Badge>
      {entry.previousOutcome ? (
        <span className="ml-1 text-xs text-slate-600" data-testid="audit-outcome-changed">
          (first recorded as {outcomeLabel(entry.previousOutcome)})
        </span>
      ) : null}
    </span>
  );
}

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const access = await requireConsolePage('/admin/audit');
  const params = await searchParams;
  // A LOB owner reads only their LOBs' entries.
  const filter = scopeAuditFilter(parseAuditFilter(params), access) ?? forbidden();
  const deps = getAdminDeps();
  const lobNames = (await listLobs(deps)).map((l) => l.lob).filter((lob) => access.lobs.includes(lob));
  const list = await readCursorPage(params.page, (at) => listAudit(deps, filter, { limit: 50, pageToken: at.token }));
  const { cursor, error } = list;
  const entries = list.page?.entries ?? [];
  const qs = auditQueryString(filter);
  const pageHref = (at?: PageCursor) => cursorHref('/admin/audit', new URLSearchParams(qs), at);
  return (
    <div>
      <PageHeader
        title="Audit log"
        description="Launches and admin changes, newest first. A change to a user’s memberships is listed under every LOB it added or removed."
        actions={
          <a className={secondaryButtonClass} href={`/admin/audit/export${qs ? `?${qs}` : ''}`} download>
            Export CSV
          </a>
        }
      />
      <FilterForm label="Filter the audit log" action="/admin/audit" submit="Filter">
        <div className="w-full sm:w-56">
          <label htmlFor="user" className={labelClass}>
            User starts with (who acted)
          </label>
          <input
            id="user"
            name="user"
            defaultValue={filter.user ?? ''}
            className={inputClass}
            autoComplete="off"
            aria-describedby="user-hint"
          />
          <p id="user-hint" className="mt-1 text-xs text-slate-600">
            As in the Users search: “portal” finds portal-admin.
          </p>
        </div>
        <div className="w-full sm:w-48">
          <label htmlFor="lob" className={labelClass}>
            Line of business
          </label>
          <select id="lob" name="lob" defaultValue={filter.lob ?? ''} className={inputClass}>
            <Options options={[...(access.platformAdmin ? [{ value: '', label: 'Any' }] : []), ...lobNames]} />
          </select>
        </div>
        <div className="w-full sm:w-48">
          <label htmlFor="type" className={labelClass}>
            Type
          </label>
          <select id="type" name="type" defaultValue={filter.type ?? ''} className={inputClass}>
            <option value="">Any</option>
            <option value="launch">Launches</option>
            <option value="admin">Admin changes</option>
          </select>
        </div>
      </FilterForm>
      {error ? (
        <ListError
          title="The audit log could not be read"
          error={error}
          restart={{ href: pageHref(), label: 'Start again from the newest entries' }}
        />
      ) : null}
      <DataTable
        label="Audit entries"
        testId="audit-table"
        className="stack-table"
        caption={`Audit entries, newest first, page ${cursor.number}`}
        columns={AUDIT_COLUMNS}
        empty={entries.length === 0 && !error ? 'No entries match.' : undefined}
      >
        {entries.map((entry) => (
          <tr
            key={`${entry.at}${entry.requestId}${entry.target ?? ''}${entry.lob ?? ''}`}
            className="hover:bg-slate-50"
            data-type={entry.type}
          >
            <td className={`${tdClass} whitespace-nowrap tabular-nums`} data-label="Time">
              <Time iso={entry.at} />
            </td>
            <td className={`${tdClass} ${wideOnly}`}>{entry.type === 'launch' ? 'Launch' : 'Admin change'}</td>
            <td className={`${tdClass} whitespace-nowrap`} data-label="User">
              {entry.user}
            </td>
            <td className={`${tdClass} whitespace-nowrap`} data-label="LOB" data-testid="audit-lobs">
              {entry.lobs.join(', ')}
            </td>
            <td className={`${tdClass} md:min-w-56`} data-label="What" data-testid="audit-what">
              <Change entry={entry} />
            </td>
            <td className={tdClass} data-label="Outcome" data-testid="audit-outcome">
              <Outcome entry={entry} />
            </td>
            <td className={`${tdClass} ${wideOnly} font-mono text-xs whitespace-nowrap`}>{entry.requestId}</td>
          </tr>
        ))}
      </DataTable>
      <CursorPager
        list={list}
        href={pageHref}
        firstLabel="Newest entries"
        previousLabel="Newer entries"
        nextLabel="Older entries"
      />
    </div>
  );
}
