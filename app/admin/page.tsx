import Link from 'next/link';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { PageHeader } from '@/components/admin/page-parts';

const cardClass =
  'group block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm transition-colors hover:border-brand-600 sm:p-6';

export default async function AdminHome() {
  const access = await requireConsolePage('/admin');
  const lobs = (await listLobs(getAdminDeps())).filter((l) => access.lobs.includes(l.lob));
  const disabled = lobs.filter((l) => !l.enabled).length;
  const sections = [
    ...(access.platformAdmin
      ? [{ href: '/admin/users', title: 'Users', text: 'Who belongs to which line of business; find users with none; CSV import and export.' }]
      : []),
    {
      href: '/admin/lobs',
      title: 'Lines of business',
      text: `${lobs.length} configured${disabled ? `, ${disabled} disabled` : ''}. Accounts, domains, roles, connection tests.`,
    },
    { href: '/admin/requests', title: 'Requests', text: 'Access requests waiting for a decision, newest first.' },
    { href: '/admin/audit', title: 'Audit log', text: 'Launches and admin changes, newest first.' },
  ];
  return (
    <div>
      <PageHeader
        title="Admin console"
        description={access.platformAdmin ? 'Manage who can open Studio where, and see what happened.' : `You own ${access.lobs.join(', ')}: its members, access requests and audit entries.`}
      />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {sections.map((s) => (
          <li key={s.href}>
            <Link href={s.href} className={cardClass}>
              <h2 className="text-base font-semibold text-brand-700 group-hover:underline group-hover:underline-offset-2">{s.title}</h2>
              <p className="mt-1 text-sm text-slate-600">{s.text}</p>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
