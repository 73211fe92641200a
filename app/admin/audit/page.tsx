import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listAudit, type AuditEntry } from '@/lib/admin/audit';
import { parseAuditFilter, auditQueryString } from '@/lib/admin/audit-filter';
import { listLobs } from '@/lib/admin/lobs';
import { buttonClass, inputClass, linkClass, secondaryButtonClass } from '@/components/admin/form-parts';
import { isPortalError } from '@/lib/errors';

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.type === 'launch') {
    return (
      <span>
        Launch {entry.app ? `(${entry.app}) ` : ''}via {entry.channel ?? '?'} · account {entry.accountId ?? '?'} · {entry.domainId ?? '?'}
      </span>
    );
  }
  return (
    <details>
      <summary className="cursor-pointer">
        {entry.action} <strong>{entry.target}</strong>
      </summary>
      <dl className="mt-1 text-sm">
        <dt className="font-medium">Before</dt>
        <dd><code className="break-all">{entry.before}</code></dd>
        <dt className="font-medium">After</dt>
        <dd><code className="break-all">{entry.after}</code></dd>
      </dl>
    </details>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireAdminPage('/admin/audit');
  const params = await searchParams;
  const filter = parseAuditFilter(params);
  const deps = getAdminDeps();
  let error: string | undefined;
  let entries: AuditEntry[] = [];
  let nextToken: string | undefined;
  const lobs = await listLobs(deps);
  try {
    const page = await listAudit(deps, filter, { limit: 50, pageToken: params.page });
    entries = page.entries;
    nextToken = page.nextToken;
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const qs = auditQueryString(filter);
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold text-gray-900">Audit log</h1>
        <a className={secondaryButtonClass} href={`/admin/audit/export${qs ? `?${qs}` : ''}`} download>Export CSV</a>
      </div>
      <form method="get" action="/admin/audit" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Filter the audit log">
        <div>
          <label htmlFor="user" className="block text-sm font-medium text-gray-900">User (who acted)</label>
          <input id="user" name="user" defaultValue={filter.user ?? ''} className={inputClass} autoComplete="off" />
        </div>
        <div>
          <label htmlFor="lob" className="block text-sm font-medium text-gray-900">Line of business</label>
          <select id="lob" name="lob" defaultValue={filter.lob ?? ''} className={inputClass}>
            <option value="">Any</option>
            {lobs.map((l) => <option key={l.lob} value={l.lob}>{l.lob}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="type" className="block text-sm font-medium text-gray-900">Type</label>
          <select id="type" name="type" defaultValue={filter.type ?? ''} className={inputClass}>
            <option value="">Any</option>
            <option value="launch">Launches</option>
            <option value="admin">Admin changes</option>
          </select>
        </div>
        <button type="submit" className={buttonClass}>Filter</button>
      </form>
      {error ? <p role="alert" className="mt-4 rounded border border-red-700 bg-red-50 p-3 text-red-800">{error}</p> : null}
      <table className="mt-6 w-full border-collapse bg-white text-left text-sm" data-testid="audit-table">
        <caption className="sr-only">Audit entries, newest first</caption>
        <thead>
          <tr className="border-b border-gray-400">
            <th scope="col" className="p-2">Time (UTC)</th>
            <th scope="col" className="p-2">Type</th>
            <th scope="col" className="p-2">User</th>
            <th scope="col" className="p-2">LOB</th>
            <th scope="col" className="p-2">What</th>
            <th scope="col" className="p-2">Outcome</th>
            <th scope="col" className="p-2">Request id</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={`${entry.at}${entry.requestId}${entry.target ?? ''}`} className="border-b border-gray-200 align-top" data-type={entry.type}>
              <td className="p-2 whitespace-nowrap"><time dateTime={entry.at}>{entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time></td>
              <td className="p-2">{entry.type}</td>
              <td className="p-2">{entry.user}</td>
              <td className="p-2">{entry.lob ?? ''}</td>
              <td className="p-2"><Change entry={entry} /></td>
              <td className="p-2">{entry.type === 'launch' ? entry.outcome : 'saved'}</td>
              <td className="p-2 font-mono text-xs">{entry.requestId}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !error ? <p className="mt-4 text-gray-800">No entries match.</p> : null}
      <nav aria-label="Pages" className="mt-4 flex gap-4">
        {params.page ? <Link className={linkClass} href={`/admin/audit${qs ? `?${qs}` : ''}`}>Newest</Link> : null}
        {nextToken ? (
          <Link className={linkClass} href={`/admin/audit?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(qs)), page: nextToken })}`}>
            Older entries
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
