import { requireAdminPage } from '@/lib/admin/require-admin';
import { ImportForm } from '@/components/admin/import-form';
import Link from 'next/link';
import { linkClass } from '@/components/admin/form-parts';

export default async function ImportPage() {
  await requireAdminPage('/admin/users/import');
  return (
    <div>
      <p><Link className={linkClass} href="/admin/users">← All users</Link></p>
      <h1 className="mt-2 mb-2 text-2xl font-semibold text-gray-900">Import LOB memberships</h1>
      <p className="mb-4 max-w-2xl text-gray-800">
        Every row is checked. Valid rows are applied (each replaces that user&apos;s memberships); rejected rows are
        listed with their line number in the file (the header is line 1) so you can fix and re-import just those.
      </p>
      <pre className="mb-4 max-w-md rounded bg-gray-100 p-3 text-sm text-gray-900">{'username,lobs\nalice,lob-a\nbob,lob-a;lob-b'}</pre>
      <ImportForm />
    </div>
  );
}
