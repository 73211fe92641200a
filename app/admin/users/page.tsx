import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { listPoolUsers, type PoolUserRow } from '@/lib/admin/pool-users';
import { activeLobsOf, listMappedUsers } from '@/lib/admin/user-lobs';
import { listUsersWithoutLob, NO_LOB_SCAN_BUDGET } from '@/lib/admin/users-without-lob';
import { nextPageCursor, previousPageCursor, readPageCursor, writePageCursor, FIRST_PAGE, type PageCursor } from '@/lib/admin/page-cursor';
import { inputClass, labelClass, linkClass, secondaryButtonClass } from '@/components/admin/form-parts';
import { Badge, FilterForm, ListError, PageHeader, Pager, TableFrame, tableClass, tbodyClass, tdClass, thClass, theadClass, wideOnly } from '@/components/admin/page-parts';
import { isPortalError } from '@/lib/errors';
import { accountStatusLabel } from '@/lib/admin/labels';

const VIEWS = {
  pool: 'Everyone in the user pool',
  nolob: 'Only users without a LOB',
  mapped: 'Users with an explicit mapping',
} as const;
type View = keyof typeof VIEWS;
const PAGE_SIZE = 50;

function usersHref(params: { q?: string; view?: View; cursor?: PageCursor }): string {
  const search = new URLSearchParams();
  if (params.q) search.set('q', params.q);
  if (params.view && params.view !== 'pool') search.set('view', params.view);
  const page = params.cursor && writePageCursor(params.cursor);
  if (page) search.set('page', page);
  const qs = search.toString();
  return `/admin/users${qs ? `?${qs}` : ''}`;
}

function MembershipCell({ row }: { row: Pick<PoolUserRow, 'effectiveLobs' | 'source'> }) {
  if (row.source === 'none') return <Badge tone="danger">No LOB</Badge>;
  if (row.source === 'unknown') return <Badge tone="warning">No explicit LOB (groups unknown)</Badge>;
  return (
    <span className="text-slate-900">
      {row.effectiveLobs.join(', ')}
      {row.source === 'group' ? <span className="text-slate-600"> (via IdP group)</span> : null}
    </span>
  );
}

function StatusCell({ enabled, status }: { enabled: boolean; status?: string }) {
  if (!enabled) return <Badge tone="warning">Disabled</Badge>;
  return <span className="text-sm text-slate-700" title={status}>{status ? accountStatusLabel(status) : ''}</span>;
}

interface Row {
  username: string;
  email?: string;
  status?: string;
  enabled: boolean;
  effectiveLobs: string[];
  source: PoolUserRow['source'];
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ q?: string; view?: string; page?: string }> }) {
  await requireAdminPage('/admin/users');
  const params = await searchParams;
  const q = (params.q ?? '').trim().slice(0, 128);
  const view: View = params.view === 'mapped' || params.view === 'nolob' ? params.view : 'pool';
  const deps = getAdminDeps();
  let error: string | undefined;
  let rows: Row[] = [];
  let cursor = FIRST_PAGE;
  let nextToken: string | undefined;
  let scan: { examined: number; budgetSpent: boolean } | undefined;
  try {
    cursor = readPageCursor(params.page);
    if (view === 'pool') {
      const page = await listPoolUsers(deps, { prefix: q, limit: PAGE_SIZE, pageToken: cursor.token });
      rows = page.users;
      nextToken = page.nextToken;
    } else if (view === 'nolob') {
      const page = await listUsersWithoutLob(deps, { prefix: q, limit: PAGE_SIZE, pageToken: cursor.token });
      rows = page.users;
      nextToken = page.nextToken;
      scan = page;
    } else {
      const page = await listMappedUsers(deps, { prefix: q, limit: PAGE_SIZE, pageToken: cursor.token });
      rows = page.users.map((u) => ({ username: u.username, enabled: true, effectiveLobs: activeLobsOf(u, nowOf(deps)), source: 'explicit' }));
      nextToken = page.nextToken;
    }
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const previous = previousPageCursor(cursor);
  const withPoolColumns = view !== 'mapped';
  return (
    <div>
      <PageHeader
        title="Users"
        description="Everyone in the user pool beside the lines of business they can open Studio in. Users marked No LOB can sign in but can’t launch."
        actions={
          <>
            <Link href="/admin/users/import" className={secondaryButtonClass}>Import CSV</Link>
            <Link href="/admin/users/orphans" className={secondaryButtonClass}>Orphaned access</Link>
            <a href="/admin/users/export" className={secondaryButtonClass} download>Export mappings (CSV)</a>
          </>
        }
      />
      <FilterForm label="Search users" action="/admin/users" submit="Search" search>
        <div className="w-full sm:w-64">
          <label htmlFor="q" className={labelClass}>Username starts with</label>
          <input id="q" name="q" type="search" defaultValue={q} className={inputClass} autoComplete="off" />
        </div>
        <div className="w-full sm:w-72">
          <label htmlFor="view" className={labelClass}>Show</label>
          <select id="view" name="view" defaultValue={view} className={inputClass}>
            {Object.entries(VIEWS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </div>
      </FilterForm>
      {error ? <ListError title="The users could not be listed" error={error} restart={{ href: usersHref({ q, view }), label: 'Start again from the first page' }} /> : null}
      {scan ? (
        <p className="mb-4 text-sm text-slate-600" data-testid="nolob-scan">
          Searched {scan.examined.toLocaleString('en-US')} user{scan.examined === 1 ? '' : 's'} of the user pool, in alphabetical order, to find these.
          {scan.budgetSpent
            ? ` To stay fast a page searches at most ${(NO_LOB_SCAN_BUDGET.poolPages * 60).toLocaleString('en-US')} users; “Continue searching” goes on from there.`
            : ''}
        </p>
      ) : null}
      <TableFrame label="Users" testId="users-table-frame">
        <table className={tableClass} data-testid="users-table">
          <caption className="sr-only">
            {VIEWS[view]}{q ? ` whose username starts with ${q}` : ''}, page {cursor.number}
          </caption>
          <thead className={theadClass}>
            <tr>
              <th scope="col" className={thClass}>Username</th>
              {withPoolColumns ? <th scope="col" className={`${thClass} ${wideOnly}`}>Email</th> : null}
              {withPoolColumns ? <th scope="col" className={`${thClass} ${wideOnly}`}>Account status</th> : null}
              <th scope="col" className={thClass}>Lines of business</th>
              <th scope="col" className={thClass}><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className={tbodyClass}>
            {rows.map((row) => (
              <tr key={row.username} className="hover:bg-slate-50" data-username={row.username}>
                <td className={`${tdClass} font-medium whitespace-nowrap text-slate-900`}>{row.username}</td>
                {withPoolColumns ? <td className={`${tdClass} ${wideOnly} whitespace-nowrap`}>{row.email ?? ''}</td> : null}
                {withPoolColumns ? <td className={`${tdClass} ${wideOnly}`}><StatusCell enabled={row.enabled} status={row.status} /></td> : null}
                <td className={tdClass}><MembershipCell row={row} /></td>
                <td className={`${tdClass} text-right`}>
                  <Link className={linkClass} href={`/admin/users/${encodeURIComponent(row.username)}`} aria-label={`Edit memberships of ${row.username}`}>
                    Edit
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && !error ? (
          <p className="px-4 py-6 text-sm text-slate-600">
            {view === 'nolob' && nextToken ? 'None without a LOB among the users checked so far.' : view === 'nolob' ? 'Everyone here has a LOB.' : 'No users match.'}
          </p>
        ) : null}
      </TableFrame>
      {!error ? (
        <Pager
          number={cursor.number}
          firstHref={usersHref({ q, view })}
          previousHref={previous ? usersHref({ q, view, cursor: previous }) : undefined}
          nextHref={nextToken ? usersHref({ q, view, cursor: nextPageCursor(cursor, nextToken) }) : undefined}
          nextLabel={view === 'nolob' && scan?.budgetSpent ? 'Continue searching' : 'Next page'}
        />
      ) : null}
    </div>
  );
}
