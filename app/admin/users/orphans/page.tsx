import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import {
  listOrphanedMappings,
  listOrphanedOwners,
  type OrphanedMapping,
  type OrphanedOwner,
  type OrphanReason,
} from '@/lib/admin/identity';
import Link from 'next/link';
import { linkClass } from '@/components/admin/form-parts';
import { isPortalError } from '@/lib/errors';
import { formatUtcMinute } from '@/lib/time-format';
import { ArchiveOrphanForm, BackfillForm } from '@/components/admin/orphan-forms';
import { Badge, Card, ListError, PageHeader, tdClass, wideOnly } from '@/components/admin/page-parts';
import { DataTable, wideColumn, srOnlyColumn } from '@/components/admin/data-table';

const REASONS: Record<OrphanReason, { label: string; tone: 'danger' | 'warning' }> = {
  'user-deleted': { label: 'User deleted', tone: 'danger' },
  'sub-mismatch': { label: 'Re-created user (new account)', tone: 'danger' },
  unbound: { label: 'Not bound yet', tone: 'warning' },
};

const ORPHAN_COLUMNS = ['User', 'Why', 'LOBs', wideColumn('Last change'), srOnlyColumn('Actions')];

/** Platform admins: memberships that no longer belong to the account behind their username (issue 23). */
export default async function OrphansPage() {
  await requireAdminPage('/admin/users/orphans');
  let orphans: OrphanedMapping[] = [];
  let owners: OrphanedOwner[] = [];
  let error: string | undefined;
  try {
    [orphans, owners] = await Promise.all([listOrphanedMappings(getAdminDeps()), listOrphanedOwners(getAdminDeps())]);
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const unbound = [...orphans, ...owners].filter((o) => o.reason === 'unbound').length;
  const about = (
    <p>
      LOB memberships are bound to the user pool account (its immutable id, <code>sub</code>) they were granted to.
      Listed here: memberships whose user was deleted, whose username now belongs to a re-created account, or that were
      written before binding existed. Launches refuse all of them. Archive a row to remove it (the audit log keeps what
      it held); then grant the new account access as usual.
    </p>
  );
  return (
    <div>
      <PageHeader back={{ href: '/admin/users', label: 'All users' }} title="Orphaned access" description={about} />
      {unbound ? (
        <Card aria-label="Bind unbound rows" className="mb-6">
          <p className="mb-3 text-sm text-slate-700">
            {unbound} membership row{unbound === 1 ? ' or owner entry was' : 's or owner entries were'} written before
            binding existed. Binding gives each to the account that holds its username now (run it once after deploying,
            before users are re-created).
          </p>
          <BackfillForm />
        </Card>
      ) : null}
      {error ? (
        <ListError
          title="The orphaned access could not be listed"
          error={error}
          restart={{ href: '/admin/users/orphans', label: 'Try again' }}
        />
      ) : null}
      {!error && orphans.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="no-orphans">
          No orphaned access: every membership belongs to its user&apos;s current account.
        </p>
      ) : null}
      {orphans.length ? (
        <DataTable label="Orphaned memberships" frameTestId="orphans" columns={ORPHAN_COLUMNS}>
          {orphans.map((o) => (
            <tr key={o.username} data-username={o.username} data-reason={o.reason}>
              <WhoCells username={o.username} reason={o.reason} />
              <td className={tdClass}>{o.lobs.join(', ')}</td>
              <td className={`${tdClass} ${wideOnly}`}>
                {o.updatedAt ? `${formatUtcMinute(o.updatedAt)} by ${o.updatedBy ?? 'someone'}` : ''}
              </td>
              <td className={tdClass}>
                <ArchiveOrphanForm username={o.username} version={o.version} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {owners.length ? <OrphanedOwners owners={owners} /> : null}
    </div>
  );
}

/** LOB owner entries bound to an account that no longer holds their username. */
function OrphanedOwners({ owners }: { owners: OrphanedOwner[] }) {
  return (
    <section aria-labelledby="owners-title" className="mt-8">
      <h2 id="owners-title" className="mb-3 text-base font-semibold text-slate-900">
        Orphaned LOB owners
      </h2>
      <p className="mb-3 text-sm text-slate-600">
        Owner usernames not bound to their user&apos;s current account: they get no owner rights. Remove or re-add them
        in the LOB&apos;s owners.
      </p>
      <DataTable label="Orphaned LOB owners" frameTestId="orphaned-owners" columns={['Owner', 'Why', 'LOB']}>
        {owners.map((o) => (
          <tr key={`${o.lob}:${o.username}`} data-owner={o.username} data-lob={o.lob} data-reason={o.reason}>
            <WhoCells username={o.username} reason={o.reason} />
            <td className={tdClass}>
              <Link className={linkClass} href={`/admin/lobs/${encodeURIComponent(o.lob)}`}>
                {o.lob}
              </Link>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/** Who and why: the first two cells of every orphan row. */
function WhoCells({ username, reason }: { username: string; reason: OrphanReason }) {
  return (
    <>
      <td className={`${tdClass} font-medium text-slate-900`}>{username}</td>
      <td className={tdClass}>
        <Badge tone={REASONS[reason].tone}>{REASONS[reason].label}</Badge>
      </td>
    </>
  );
}
