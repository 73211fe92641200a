import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listOrphanedMappings, type OrphanedMapping, type OrphanReason } from '@/lib/admin/identity';
import { isPortalError } from '@/lib/errors';
import { formatUtc } from '@/lib/launch';
import { ArchiveOrphanForm, BackfillForm } from '@/components/admin/orphan-forms';
import { Badge, Card, ListError, PageHeader, TableFrame, tableClass, tbodyClass, tdClass, thClass, theadClass, wideOnly } from '@/components/admin/page-parts';

const REASONS: Record<OrphanReason, { label: string; tone: 'danger' | 'warning' }> = {
  'user-deleted': { label: 'User deleted', tone: 'danger' },
  'sub-mismatch': { label: 'Re-created user (new account)', tone: 'danger' },
  unbound: { label: 'Not bound yet', tone: 'warning' },
};

/** Platform admins: memberships that no longer belong to the account behind their username (issue 23). */
export default async function OrphansPage() {
  await requireAdminPage('/admin/users/orphans');
  let orphans: OrphanedMapping[] = [];
  let error: string | undefined;
  try {
    orphans = await listOrphanedMappings(getAdminDeps());
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const unbound = orphans.filter((o) => o.reason === 'unbound').length;
  const about = (
    <p>
      LOB memberships are bound to the user pool account (its immutable id, <code>sub</code>) they were granted
      to. Listed here: memberships whose user was deleted, whose username now belongs to a re-created account,
      or that were written before binding existed. Launches refuse all of them. Archive a row to remove it (the
      audit log keeps what it held); then grant the new account access as usual.
    </p>
  );
  return (
    <div>
      <PageHeader back={{ href: '/admin/users', label: 'All users' }} title="Orphaned access" description={about} />
      {unbound ? (
        <Card aria-label="Bind unbound rows" className="mb-6">
          <p className="mb-3 text-sm text-slate-700">
            {unbound} row{unbound === 1 ? ' was' : 's were'} written before binding existed. Binding gives each to the
            account that holds its username now (run it once after deploying, before users are re-created).
          </p>
          <BackfillForm />
        </Card>
      ) : null}
      {error ? <ListError title="The orphaned access could not be listed" error={error} restart={{ href: '/admin/users/orphans', label: 'Try again' }} /> : null}
      {!error && orphans.length === 0 ? <p className="text-sm text-slate-600" data-testid="no-orphans">No orphaned access: every membership belongs to its user&apos;s current account.</p> : null}
      {orphans.length ? (
        <TableFrame label="Orphaned memberships" testId="orphans">
          <table className={tableClass}>
            <thead className={theadClass}>
              <tr>
                <th scope="col" className={thClass}>User</th>
                <th scope="col" className={thClass}>Why</th>
                <th scope="col" className={thClass}>LOBs</th>
                <th scope="col" className={`${thClass} ${wideOnly}`}>Last change</th>
                <th scope="col" className={thClass}><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className={tbodyClass}>
              {orphans.map((o) => (
                <tr key={o.username} data-username={o.username} data-reason={o.reason}>
                  <td className={`${tdClass} font-medium text-slate-900`}>{o.username}</td>
                  <td className={tdClass}><Badge tone={REASONS[o.reason].tone}>{REASONS[o.reason].label}</Badge></td>
                  <td className={tdClass}>{o.lobs.join(', ')}</td>
                  <td className={`${tdClass} ${wideOnly}`}>{o.updatedAt ? `${formatUtc(o.updatedAt)} by ${o.updatedBy ?? 'someone'}` : ''}</td>
                  <td className={tdClass}><ArchiveOrphanForm username={o.username} version={o.version} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      ) : null}
    </div>
  );
}
