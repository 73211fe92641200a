import { requireAdminPage } from '@/lib/admin/require-admin';
import { getConfig } from '@/lib/config';
import { emptyLobFormValues } from '@/lib/admin/lob-form';
import { LobForm } from '@/components/admin/lob-form';
import { Card, PageHeader } from '@/components/admin/page-parts';

export default async function NewLobPage() {
  await requireAdminPage('/admin/lobs/new');
  return (
    <div className="max-w-3xl">
      <PageHeader back={{ href: '/admin/lobs', label: 'All lines of business' }} title="Add a line of business" />
      <Card aria-label="Line of business settings">
        <LobForm mode="create" initial={emptyLobFormValues(getConfig().region)} />
      </Card>
    </div>
  );
}
