import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { listPoolUsers, type PoolUserRow } from '@/lib/admin/pool-users';
import { activeLobsOf, listMappedUsers } from '@/lib/admin/user-lobs';
import { listUsersWithoutLob, NO_LOB_SCAN_BUDGET } from '@/lib/admin/users-without-lob';
import { readCursorPage, type PageCursor } from '@/lib/admin/page-cursor';
import { inputClass, labelClass, linkClass, secondaryButtonClass } from '@/components/admin/form-parts';
import { Badge, FilterForm, ListError, PageHeader, tdClass, wideOnly } from '@/components/admin/page-parts';
import { Options } from '@/components/ui/options';
import { DataTable, wideColumn, srOnlyColumn } from '@/components/admin/data-table';
import { CursorPager, cursorHref } from '@/components/admin/cursor-pager';
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
  return cursorHref('/admin/users', search, params.cursor);
}

function emptyText(view: View, nextToken: string | undefined): string {
  if (view !== 'nolob') return 'No users match.';
  return nextToken ? 'None without a LOB among the users checked so far.' : 'Everyone here has a LOB.';
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
  return (
    <span className="text-sm text-slate-700" title={status}>
      {status ? accountStatusLabel(status) : ''}
    </span>
  );
}

interface Row {
  username: string;
  email?: string;
  status?: string;
  enabled: boolean;
  effectiveLobs: string[];
  source: PoolUserRow['source'];
}

/** A page of any of the three views; the "without a LOB" one says how far its scan went. */
type UsersPageRead =
  | { users: Row[]; nextToken?: string }
  | { users: Row[]; nextToken?: string; scan: true; examined: number; budgetSpent: boolean };

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; view?: string; page?: string }>;
}) {
  await requireAdminPage('/admin/users');
  const params = await searchParams;
  const q = (params.q ?? '').trim().slice(0, 128);
  const view: View = params.view === 'mapped' || params.view === 'nolob' ? params.view : 'pool';
  const deps = getAdminDeps();
  const list = await readCursorPage(params.page, async (cursor): Promise<UsersPageRead> => {
    const options = { prefix: q, limit: PAGE_SIZE, pageToken: cursor.token };
    if (view === 'pool') return listPoolUsers(deps, options);
    if (view === 'nolob') return { ...(await listUsersWithoutLob(deps, options)), scan: true };
    const page = await listMappedUsers(deps, options);
    const now = nowOf(deps);
    return {
      nextToken: page.nextToken,
      users: page.users.map((u) => ({
        username: u.username,
        enabled: true,
        effectiveLobs: activeLobsOf(u, now),
        source: 'explicit',
      })),
    };
  });
  const { cursor, error } = list;
  const rows = list.page?.users ?? [];
  const nextToken = list.page?.nextToken;
  const scan = list.page && 'scan' in list.page ? list.page : undefined;
  const withPoolColumns = view !== 'mapped';
  return (
    <div>
      <PageHeader
        title="Users"
        description="Everyone in the user pool beside the lines of business they can open Studio in. Users marked No LOB can sign in but can’t launch."
        actions={
          <>
            <Link href="/admin/users/import" className={secondaryButtonClass}>
              Import CSV
            </Link>
            <Link href="/admin/users/orphans" className={secondaryButtonClass}>
              Orphaned access
            </Link>
            <a href="/admin/users/export" className={secondaryButtonClass} download>
              Export mappings (CSV)
            </a>
          </>
        }
      />
      <FilterForm label="Search users" action="/admin/users" submit="Search" search>
        <div className="w-full sm:w-64">
          <label htmlFor="q" className={labelClass}>
            Username starts with
          </label>
          <input id="q" name="q" type="search" defaultValue={q} className={inputClass} autoComplete="off" />
        </div>
        <div className="w-full sm:w-72">
          <label htmlFor="view" className={labelClass}>
            Show
          </label>
          <select id="view" name="view" defaultValue={view} className={inputClass}>
            <Options options={Object.entries(VIEWS).map(([value, label]) => ({ value, label }))} />
          </select>
        </div>
      </FilterForm>
      {error ? (
        <ListError
          title="The users could not be listed"
          error={error}
          restart={{ href: usersHref({ q, view }), label: 'Start again from the first page' }}
        />
      ) : null}
      {scan ? (
        <p className="mb-4 text-sm text-slate-600" data-testid="nolob-scan">
          Searched {scan.examined.toLocaleString('en-US')} user{scan.examined === 1 ? '' : 's'} of the user pool, in
          alphabetical order, to find these.
          {scan.budgetSpent
            ? ` To stay fast a page searches at most ${(NO_LOB_SCAN_BUDGET.poolPages * 60).toLocaleString('en-US')} users; “Continue searching” goes on from there.`
            : ''}
        </p>
      ) : null}
      <DataTable
        label="Users"
        frameTestId="users-table-frame"
        testId="users-table"
        caption={`${VIEWS[view]}${q ? ` whose username starts with ${q}` : ''}, page ${cursor.number}`}
        columns={[
          'Username',
          withPoolColumns && wideColumn('Email'),
          withPoolColumns && wideColumn('Account status'),
          'Lines of business',
          srOnlyColumn('Actions'),
        ]}
        empty={rows.length === 0 && !error ? emptyText(view, nextToken) : undefined}
      >
        {rows.map((row) => (
          <tr key={row.username} className="hover:bg-slate-50" data-username={row.username}>
            <td className={`${tdClass} font-medium whitespace-nowrap text-slate-900`}>{row.username}</td>
            {withPoolColumns ? <td className={`${tdClass} ${wideOnly} whitespace-nowrap`}>{row.email ?? ''}</td> : null}
            {withPoolColumns ? (
              <td className={`${tdClass} ${wideOnly}`}>
                <StatusCell enabled={row.enabled} status={row.status} />
              </td>
            ) : null}
            <td className={tdClass}>
              <MembershipCell row={row} />
            </td>
            <td className={`${tdClass} text-right`}>
              <Link
                className={linkClass}
                href={`/admin/users/${encodeURIComponent(row.username)}`}
                aria-label={`Edit memberships of ${row.username}`}
              >
                Edit
              </Link>
            </td>
          </tr>
        ))}
      </DataTable>
      <CursorPager
        list={list}
        href={(at) => usersHref({ q, view, cursor: at })}
        nextLabel={view === 'nolob' && scan?.budgetSpent ? 'Continue searching' : 'Next page'}
      />
    </div>
  );
}
