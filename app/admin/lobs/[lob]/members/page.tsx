import { getClock } from '@/lib/clock';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireLobManagerPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { getLob } from '@/lib/admin/lobs';
import { listMembers } from '@/lib/admin/members';
import type { LobMembership } from '@/lib/directory/users';
import { overdueUndecided } from '@/lib/admin/reviews';
import { LOB_NAME_PATTERN } from '@/lib/admin/validation';
import { formatUtcMinute } from '@/lib/time-format';
import { isPortalError } from '@/lib/errors';
import { AddMemberForm, MemberRowForms } from '@/components/admin/member-forms';
import { inputClass, labelClass, linkClass } from '@/components/admin/form-parts';
import { Button } from '@/components/ui/button';
import { Badge, Card, ListError, PageHeader, tdClass, wideOnly } from '@/components/admin/page-parts';
import { DataTable, wideColumn, srOnlyColumn } from '@/components/admin/data-table';

const EXPIRING_DAYS = 14;

function emptyText(q: string, expiring: boolean): string {
  if (q) return `No member whose username starts with “${q}”.`;
  return expiring ? 'Nobody’s access ends that soon.' : 'No explicit members yet.';
}

export default async function MembersPage({
  params,
  searchParams,
}: {
  params: Promise<{ lob: string }>;
  searchParams: Promise<{ view?: string; page?: string; q?: string }>;
}) {
  const name = decodeURIComponent((await params).lob);
  if (!LOB_NAME_PATTERN.test(name)) notFound();
  const path = `/admin/lobs/${encodeURIComponent(name)}/members`;
  await requireLobManagerPage(path, name);
  const deps = getAdminDeps();
  const lob = await getLob(deps, name);
  if (!lob) notFound();
  const { view, page, q: rawQ } = await searchParams;
  const expiring = view === 'expiring';
  // Username prefix: finds one member among many without paging (the list is in username order).
  const q = (rawQ ?? '').trim().slice(0, 128);
  const filters = { ...(expiring ? { view: 'expiring' } : {}), ...(q ? { q } : {}) };
  let members: LobMembership[] = [];
  let nextToken: string | undefined;
  let error: string | undefined;
  try {
    const result = await listMembers(deps, name, {
      pageToken: page,
      prefix: q,
      expiringWithinDays: expiring ? EXPIRING_DAYS : undefined,
    });
    members = result.members;
    nextToken = result.nextToken;
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const overdue = await overdueUndecided(
    deps,
    name,
    members.map((m) => m.username),
  ).catch(() => null);
  const soon = getClock()().getTime() + 7 * 24 * 3600 * 1000;
  return (
    <div>
      <PageHeader
        back={{ href: `/admin/lobs/${encodeURIComponent(name)}`, label: lob.displayName }}
        title={`Members of ${lob.lob}`}
        description="Explicit members and when their access ends. Ended memberships leave this list; the audit log keeps them. Members through IdP groups are managed in the IdP."
      />
      <Card aria-label="Add a member" className="mb-6">
        <AddMemberForm lob={lob.lob} />
      </Card>
      <nav aria-label="Member filter" className="mb-4 flex flex-wrap gap-4 text-sm">
        <Link className={linkClass} href={path} aria-current={!expiring ? 'page' : undefined}>
          All members
        </Link>
        <Link className={linkClass} href={`${path}?view=expiring`} aria-current={expiring ? 'page' : undefined}>
          Expiring in {EXPIRING_DAYS} days
        </Link>
      </nav>
      <form
        method="get"
        action={path}
        role="search"
        aria-label="Members"
        className="mb-4 flex flex-wrap items-end gap-3"
      >
        {expiring ? <input type="hidden" name="view" value="expiring" /> : null}
        <div className="w-full sm:w-64">
          <label htmlFor="member-search" className={labelClass}>
            Search members
          </label>
          <input
            id="member-search"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Username starts with"
            className={inputClass}
            autoComplete="off"
          />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      {error ? <ListError title="The members could not be listed" error={error} /> : null}
      <DataTable
        label="Members"
        testId="members-table"
        caption={`Members of ${lob.lob}${expiring ? ` whose access ends within ${EXPIRING_DAYS} days` : ''}`}
        columns={['Username', 'Until', wideColumn('Granted'), srOnlyColumn('Actions')]}
        empty={members.length === 0 && !error ? emptyText(q, expiring) : undefined}
      >
        {members.map((m) => (
          <tr key={m.username} data-username={m.username}>
            <td className={`${tdClass} font-medium text-slate-900`}>
              {m.username}
              {overdue?.undecided.has(m.username) ? (
                <>
                  {' '}
                  <Link className={linkClass} href={`/admin/reviews/${encodeURIComponent(overdue.review.id)}`}>
                    <Badge tone="danger">undecided in overdue review</Badge>
                  </Link>
                </>
              ) : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap`} data-testid="member-until">
              {m.until ? <time dateTime={m.until}>{formatUtcMinute(m.until)}</time> : 'no end'}
              {m.until && Date.parse(m.until) < soon ? (
                <>
                  {' '}
                  <Badge tone="warning">ends soon</Badge>
                </>
              ) : null}
            </td>
            <td className={`${tdClass} ${wideOnly}`}>
              {m.via}
              {m.grantedBy ? ` by ${m.grantedBy}` : ''}
            </td>
            <td className={tdClass}>
              <MemberRowForms lob={lob.lob} username={m.username} until={m.until} />
            </td>
          </tr>
        ))}
      </DataTable>
      {nextToken ? (
        <p className="mt-4">
          <Link className={linkClass} href={`${path}?${new URLSearchParams({ ...filters, page: nextToken })}`}>
            Next page
          </Link>
        </p>
      ) : null}
    </div>
  );
}
