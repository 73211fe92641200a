import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { linkClass } from '@/components/admin/form-parts';

export default async function AdminHome() {
  await requireAdminPage('/admin');
  const lobs = await listLobs(getAdminDeps());
  const disabled = lobs.filter((l) => !l.enabled).length;
  return (
    <div>
      <h1 className="text-2xl font-semibold text-gray-900">Admin console</h1>
      <ul className="mt-4 grid gap-4 sm:grid-cols-3">
        <li className="rounded border border-gray-300 bg-white p-4">
          <h2 className="font-semibold text-gray-900"><Link className={linkClass} href="/admin/users">Users</Link></h2>
          <p className="text-gray-800">Who belongs to which line of business; find users with none; CSV import and export.</p>
        </li>
        <li className="rounded border border-gray-300 bg-white p-4">
          <h2 className="font-semibold text-gray-900"><Link className={linkClass} href="/admin/lobs">Lines of business</Link></h2>
          <p className="text-gray-800">
            {lobs.length} configured{disabled ? `, ${disabled} disabled` : ''}. Accounts, domains, roles, connection tests.
          </p>
        </li>
        <li className="rounded border border-gray-300 bg-white p-4">
          <h2 className="font-semibold text-gray-900"><Link className={linkClass} href="/admin/audit">Audit log</Link></h2>
          <p className="text-gray-800">Launches and admin changes, newest first.</p>
        </li>
      </ul>
    </div>
  );
}
