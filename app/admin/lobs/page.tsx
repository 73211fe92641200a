import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { buttonClass, linkClass } from '@/components/admin/form-parts';
import { EnableLobForm } from '@/components/admin/lob-commands';

export default async function LobsPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  await requireAdminPage('/admin/lobs');
  const { deleted } = await searchParams;
  const lobs = await listLobs(getAdminDeps());
  return (
    <div>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold text-gray-900">Lines of business</h1>
        <Link href="/admin/lobs/new" className={buttonClass}>Add a line of business</Link>
      </div>
      <div role="status" aria-live="polite">
        {deleted ? <p className="mt-4 rounded border border-green-700 bg-green-50 p-3 text-green-900">Deleted {deleted}.</p> : null}
      </div>
      <table className="mt-6 w-full border-collapse bg-white text-left">
        <caption className="sr-only">Lines of business</caption>
        <thead>
          <tr className="border-b border-gray-400">
            <th scope="col" className="p-2">Name</th>
            <th scope="col" className="p-2">Account</th>
            <th scope="col" className="p-2">Domain</th>
            <th scope="col" className="p-2">Region</th>
            <th scope="col" className="p-2">IdP groups</th>
            <th scope="col" className="p-2">Status</th>
            <th scope="col" className="p-2">Version</th>
            <th scope="col" className="p-2">Actions</th>
          </tr>
        </thead>
        <tbody>
          {lobs.map((lob) => (
            <tr key={lob.lob} className="border-b border-gray-200" data-lob={lob.lob}>
              <td className="p-2">
                <Link className={linkClass} href={`/admin/lobs/${encodeURIComponent(lob.lob)}`}>{lob.lob}</Link>
                <div className="text-sm text-gray-700">{lob.displayName}</div>
              </td>
              <td className="p-2 tabular-nums">{lob.accountId}</td>
              <td className="p-2">{lob.domainId}</td>
              <td className="p-2">{lob.region}</td>
              <td className="p-2">{lob.groups.join(', ') || '—'}</td>
              <td className="p-2">{lob.enabled ? 'Enabled' : <strong className="text-red-700">Disabled</strong>}</td>
              <td className="p-2 tabular-nums">{lob.version}</td>
              <td className="p-2">
                <EnableLobForm key={lob.version} lob={lob.lob} version={lob.version} enabled={lob.enabled} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {lobs.length === 0 ? <p className="mt-4 text-gray-800">No lines of business yet.</p> : null}
    </div>
  );
}
