import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listMappedUsers, listPoolUsers, type PoolUserRow } from '@/lib/admin/users';
import { inputClass, buttonClass, linkClass, secondaryButtonClass } from '@/components/admin/form-parts';
import { isPortalError } from '@/lib/errors';

type View = 'pool' | 'mapped';

function usersHref(params: { q?: string; view?: View; page?: string }): string {
  const search = new URLSearchParams();
  if (params.q) search.set('q', params.q);
  if (params.view && params.view !== 'pool') search.set('view', params.view);
  if (params.page) search.set('page', params.page);
  const qs = search.toString();
  return `/admin/users${qs ? `?${qs}` : ''}`;
}

function MembershipCell({ row }: { row: Pick<PoolUserRow, 'effectiveLobs' | 'source'> }) {
  if (row.source === 'none') return <strong className="text-red-700">No LOB</strong>;
  if (row.source === 'unknown') return <span className="text-gray-700">No explicit LOB (groups unknown)</span>;
  return (
    <span>
      {row.effectiveLobs.join(', ')}
      {row.source === 'group' ? <span className="text-gray-700"> (via IdP group)</span> : null}
    </span>
  );
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ q?: string; view?: string; page?: string }> }) {
  await requireAdminPage('/admin/users');
  const params = await searchParams;
  const q = (params.q ?? '').trim().slice(0, 128);
  const view: View = params.view === 'mapped' ? 'mapped' : 'pool';
  const deps = getAdminDeps();
  let error: string | undefined;
  let rows: Array<{ username: string; email?: string; status?: string; enabled: boolean; effectiveLobs: string[]; source: PoolUserRow['source']; version?: number }> = [];
  let nextToken: string | undefined;
  try {
    if (view === 'pool') {
      const page = await listPoolUsers(deps, { prefix: q, limit: 50, pageToken: params.page });
      rows = page.users.map((u) => ({ ...u, version: u.mapping?.version }));
      nextToken = page.nextToken;
    } else {
      const page = await listMappedUsers(deps, { prefix: q, limit: 50, pageToken: params.page });
      rows = page.users.map((u) => ({ username: u.username, enabled: true, effectiveLobs: u.lobs, source: 'explicit', version: u.version }));
      nextToken = page.nextToken;
    }
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold text-gray-900">Users</h1>
        <div className="flex gap-3">
          <Link href="/admin/users/import" className={secondaryButtonClass}>Import CSV</Link>
          <a href="/admin/users/export" className={secondaryButtonClass} download>Export mappings (CSV)</a>
        </div>
      </div>
      <form method="get" action="/admin/users" role="search" className="mt-4 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="q" className="block text-sm font-medium text-gray-900">Username starts with</label>
          <input id="q" name="q" type="search" defaultValue={q} className={inputClass} autoComplete="off" />
        </div>
        <div>
          <label htmlFor="view" className="block text-sm font-medium text-gray-900">Show</label>
          <select id="view" name="view" defaultValue={view} className={inputClass}>
            <option value="pool">Everyone in the user pool</option>
            <option value="mapped">Users with an explicit mapping</option>
          </select>
        </div>
        <button type="submit" className={buttonClass}>Search</button>
      </form>
      {error ? <p role="alert" className="mt-4 rounded border border-red-700 bg-red-50 p-3 text-red-800">{error}</p> : null}
      <table className="mt-6 w-full border-collapse bg-white text-left" data-testid="users-table">
        <caption className="sr-only">Users{q ? ` whose username starts with ${q}` : ''}</caption>
        <thead>
          <tr className="border-b border-gray-400">
            <th scope="col" className="p-2">Username</th>
            {view === 'pool' ? <th scope="col" className="p-2">Email</th> : null}
            {view === 'pool' ? <th scope="col" className="p-2">Account status</th> : null}
            <th scope="col" className="p-2">Lines of business</th>
            <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.username} className="border-b border-gray-200" data-username={row.username}>
              <td className="p-2 font-medium">{row.username}</td>
              {view === 'pool' ? <td className="p-2">{row.email ?? ''}</td> : null}
              {view === 'pool' ? <td className="p-2">{row.enabled ? (row.status ?? '') : 'Disabled'}</td> : null}
              <td className="p-2"><MembershipCell row={row} /></td>
              <td className="p-2">
                <Link className={linkClass} href={`/admin/users/${encodeURIComponent(row.username)}`} aria-label={`Edit memberships of ${row.username}`}>
                  Edit
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error ? <p className="mt-4 text-gray-800">No users match.</p> : null}
      <nav aria-label="Pages" className="mt-4 flex gap-4">
        {params.page ? <Link className={linkClass} href={usersHref({ q, view })}>First page</Link> : null}
        {nextToken ? <Link className={linkClass} href={usersHref({ q, view, page: nextToken })}>Next page</Link> : null}
      </nav>
    </div>
  );
}
