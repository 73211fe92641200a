import { requireAdminPage } from '@/lib/admin/require-admin';
import { ImportForm } from '@/components/admin/import-form';
import { Card, PageHeader, SectionCard } from '@/components/admin/page-parts';

export default async function ImportPage() {
  await requireAdminPage('/admin/users/import');
  return (
    <div>
      <PageHeader
        back={{ href: '/admin/users', label: 'All users' }}
        title="Import LOB memberships"
        description={
          <p>
            Every row is checked. Valid rows are applied (each replaces that user&apos;s memberships, or with the action
            <code>remove</code> takes LOBs away); rows for users who are not in the user pool are refused. Rejected rows
            are listed with their line number in the file (the header is line 1) so you can fix and re-import just
            those.
          </p>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-[2fr_1fr]">
        <Card aria-label="Upload">
          <ImportForm />
        </Card>
        <SectionCard titleId="example-title" title="Example file">
          <pre className="mt-3 overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-800 ring-1 ring-slate-200 ring-inset">
            {
              'username,lobs,action,expiresAt\nalice,lob-a,,\nbob,lob-a;lob-b,set,2027-03-31;\ncarol,lob-b,remove,\ndave,,remove,'
            }
          </pre>
          <p className="mt-3 text-sm text-slate-600">
            alice and bob get exactly those LOBs (bob&apos;s lob-a until the end of 31 March 2027 UTC, lob-b with no
            end); carol loses lob-b; dave loses every explicit membership. Without an <code>action</code> column every
            row sets memberships; without an <code>expiresAt</code> column the end dates users already have are kept.
          </p>
        </SectionCard>
      </div>
    </div>
  );
}
