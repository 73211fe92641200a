import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listRegisteredClients, type ApiClientRecord } from '@/lib/admin/api-clients';
import { listLobs } from '@/lib/admin/lobs';
import { API_SCOPES } from '@/lib/api/scopes';
import { isPortalError } from '@/lib/errors';
import { formatUtcMinute } from '@/lib/time-format';
import { DeleteApiClientForm, RegisterApiClientForm } from '@/components/admin/api-client-forms';
import { linkClass } from '@/components/admin/form-parts';
import { Card, PageHeader, tdClass } from '@/components/admin/page-parts';
import { DataTable, srOnlyColumn } from '@/components/admin/data-table';
import { Alert } from '@/components/ui/alert';

export default async function ApiClientsPage() {
  await requireAdminPage('/admin/clients');
  const deps = getAdminDeps();
  let clients: ApiClientRecord[] = [];
  let error: string | undefined;
  try {
    clients = await listRegisteredClients(deps);
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  const lobs = (await listLobs(deps)).map((l) => l.lob).sort();
  const scopes = Object.entries(API_SCOPES).map(([name, description]) => ({ name, description }));
  return (
    <div className="space-y-6">
      <PageHeader
        title="API clients"
        description={
          <>
            Machine clients of the{' '}
            <a className={linkClass} href="/docs/api">
              /api/v1 API
            </a>
            : each gets its own Cognito app client (client credentials) with the scopes and LOBs you choose; its changes
            are audited under its name.
          </>
        }
      />
      {error ? (
        <Alert tone="error" title="The clients could not be listed">
          <p>{error}</p>
        </Alert>
      ) : null}
      <DataTable
        label="Registered clients"
        frameTestId="api-clients"
        columns={['Name', 'Client id', 'Scopes', 'LOBs', 'Registered', srOnlyColumn('Actions')]}
      >
        {clients.map((c) => (
          <tr key={c.clientId}>
            <td className={tdClass}>{c.name}</td>
            <td className={tdClass}>
              <code>{c.clientId}</code>
            </td>
            <td className={tdClass}>{c.scopes.map((s) => s.replace(/^[^/]+\//, '')).join(', ')}</td>
            <td className={tdClass}>{c.allLobs ? 'every LOB' : c.lobs.join(', ')}</td>
            <td className={tdClass}>
              {formatUtcMinute(c.createdAt)} by {c.createdBy}
            </td>
            <td className={tdClass}>
              <DeleteApiClientForm clientId={c.clientId} name={c.name} />
            </td>
          </tr>
        ))}
        {clients.length === 0 ? (
          <tr>
            <td className={tdClass} colSpan={6}>
              No clients yet.
            </td>
          </tr>
        ) : null}
      </DataTable>
      <Card aria-label="Register a client">
        <h2 className="mb-4 text-base font-semibold text-slate-900">Register a client</h2>
        <RegisterApiClientForm scopes={scopes} lobs={lobs} />
      </Card>
    </div>
  );
}
