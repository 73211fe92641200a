import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { getPoolUser, getUserMapping, lobsForGroups } from '@/lib/admin/users';
import { USERNAME_PATTERN } from '@/lib/admin/validation';
import { UserLobsForm } from '@/components/admin/user-lobs-form';
import { linkClass } from '@/components/admin/form-parts';

export default async function UserPage({ params }: { params: Promise<{ username: string }> }) {
  const username = decodeURIComponent((await params).username);
  await requireAdminPage(`/admin/users/${encodeURIComponent(username)}`);
  if (!USERNAME_PATTERN.test(username)) notFound();
  const deps = getAdminDeps();
  const [pool, mapping, lobs] = await Promise.all([getPoolUser(deps, username), getUserMapping(deps, username), listLobs(deps)]);
  const viaGroups = lobsForGroups(lobs, pool.groups);
  return (
    <div>
      <p><Link className={linkClass} href="/admin/users">← All users</Link></p>
      <h1 className="mt-2 text-2xl font-semibold text-gray-900">{username}</h1>
      <dl className="my-4 grid max-w-xl grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-gray-900">
        <dt className="font-medium">In the user pool</dt>
        <dd>{pool.exists ? `yes (${pool.enabled ? pool.status : 'disabled'})` : 'no — the mapping applies once the user exists'}</dd>
        {pool.email ? (<><dt className="font-medium">Email</dt><dd>{pool.email}</dd></>) : null}
        <dt className="font-medium">IdP groups</dt>
        <dd>{pool.groups.join(', ') || 'none'}</dd>
        <dt className="font-medium">LOBs via groups</dt>
        <dd>{viaGroups.join(', ') || 'none'}</dd>
        <dt className="font-medium">Explicit mapping</dt>
        <dd>{mapping ? `${mapping.lobs.join(', ')} (version ${mapping.version}${mapping.updatedBy ? `, by ${mapping.updatedBy} at ${mapping.updatedAt}` : ''})` : 'none'}</dd>
      </dl>
      <UserLobsForm
        initial={{ username, lobs: mapping?.lobs ?? [], version: mapping ? String(mapping.version) : '' }}
        lobs={lobs.map((l) => ({ lob: l.lob, displayName: l.displayName, enabled: l.enabled }))}
      />
    </div>
  );
}
