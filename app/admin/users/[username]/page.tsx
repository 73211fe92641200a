import { notFound } from 'next/navigation';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { getPoolUser } from '@/lib/admin/pool-users';
import { activeLobsOf, lobsForGroups } from '@/lib/admin/user-lobs';
import { getUserMapping } from '@/lib/directory/users';
import { formatUtcMinute } from '@/lib/time-format';
import { USERNAME_PATTERN } from '@/lib/admin/validation';
import { UserLobsForm } from '@/components/admin/user-lobs-form';
import { Badge, Card, PageHeader, SectionCard } from '@/components/admin/page-parts';
import { Time } from '@/components/ui/time';
import { accountStatusLabel } from '@/lib/admin/labels';

export default async function UserPage({ params }: { params: Promise<{ username: string }> }) {
  const username = decodeURIComponent((await params).username);
  await requireAdminPage(`/admin/users/${encodeURIComponent(username)}`);
  if (!USERNAME_PATTERN.test(username)) notFound();
  const deps = getAdminDeps();
  const [pool, mapping, lobs] = await Promise.all([
    getPoolUser(deps, username),
    getUserMapping(deps, username),
    listLobs(deps),
  ]);
  const viaGroups = lobsForGroups(lobs, pool.groups);
  const now = nowOf(deps);
  const active = mapping ? mapping.memberships.filter((m) => activeLobsOf(mapping, now).includes(m.lob)) : [];
  const noLob = !mapping && viaGroups.length === 0;
  return (
    <div>
      <PageHeader
        back={{ href: '/admin/users', label: 'All users' }}
        title={username}
        badge={noLob ? <Badge tone="danger">No LOB</Badge> : null}
      />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <SectionCard titleId="user-details-title" title="Account">
          <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr] sm:gap-y-2">
            <dt className="font-medium text-slate-600">In the user pool</dt>
            <dd className="mb-2 text-slate-900 sm:mb-0">
              {pool.exists
                ? `yes (${pool.enabled ? accountStatusLabel(pool.status) : 'disabled'})`
                : 'no — the mapping applies once the user exists'}
            </dd>
            {pool.email ? (
              <>
                <dt className="font-medium text-slate-600">Email</dt>
                <dd className="mb-2 break-all text-slate-900 sm:mb-0">{pool.email}</dd>
              </>
            ) : null}
            <dt className="font-medium text-slate-600">IdP groups</dt>
            <dd className="mb-2 text-slate-900 sm:mb-0">{pool.groups.join(', ') || 'none'}</dd>
            <dt className="font-medium text-slate-600">LOBs via groups</dt>
            <dd className="mb-2 text-slate-900 sm:mb-0">{viaGroups.join(', ') || 'none'}</dd>
            <dt className="font-medium text-slate-600">Explicit mapping</dt>
            <dd className="text-slate-900">
              {mapping ? (
                <>
                  {active.map((m) => (m.until ? `${m.lob} until ${formatUtcMinute(m.until)}` : m.lob)).join(', ') ||
                    'none active'}{' '}
                  (version {mapping.version}
                  {mapping.updatedBy ? <>, by {mapping.updatedBy}</> : null}
                  {mapping.updatedAt ? (
                    <>
                      , <Time iso={mapping.updatedAt} />
                    </>
                  ) : null}
                  )
                </>
              ) : (
                'none'
              )}
            </dd>
          </dl>
        </SectionCard>
        <Card aria-label="LOB memberships">
          <UserLobsForm
            initial={{ username, lobs: active.map((m) => m.lob), version: mapping ? String(mapping.version) : '' }}
            lobs={lobs.map((l) => ({ lob: l.lob, displayName: l.displayName, enabled: l.enabled }))}
          />
        </Card>
      </div>
    </div>
  );
}
