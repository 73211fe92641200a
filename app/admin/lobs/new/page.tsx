import { requireAdminPage } from '@/lib/admin/require-admin';
import { getConfig } from '@/lib/config';
import { emptyLobFormValues } from '@/lib/admin/lob-form';
import { LobForm } from '@/components/admin/lob-form';

export default async function NewLobPage() {
  await requireAdminPage('/admin/lobs/new');
  return (
    <div>
      <h1 className="mb-4 text-2xl font-semibold text-gray-900">Add a line of business</h1>
      <LobForm mode="create" initial={emptyLobFormValues(getConfig().region)} />
    </div>
  );
}
