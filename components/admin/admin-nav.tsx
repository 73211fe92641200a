'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/admin', label: 'Overview' },
  { href: '/admin/users', label: 'Users', adminOnly: true },
  { href: '/admin/lobs', label: 'Lines of business' },
  { href: '/admin/requests', label: 'Requests' },
  { href: '/admin/usage', label: 'Usage' },
  { href: '/admin/audit', label: 'Audit log' },
  { href: '/admin/clients', label: 'API clients', adminOnly: true },
];

/**
 * LOB owners see the links of their part of the console; `pendingRequests` is shown beside Requests.
 * The bar scrolls sideways by itself on phones; `relative` keeps its absolutely positioned sr-only text
 * inside that scroller (otherwise it widens the page, as TableFrame notes).
 */
export function AdminNav({
  platformAdmin = true,
  pendingRequests,
}: {
  platformAdmin?: boolean;
  pendingRequests?: number;
}) {
  const pathname = usePathname();
  return (
    <nav
      aria-label="Admin"
      className="relative -mt-2 mb-8 overflow-x-auto border-b border-slate-200 sm:-mt-4 print:hidden"
    >
      <ul className="-mb-px flex gap-1 text-sm">
        {LINKS.filter((link) => platformAdmin || !link.adminOnly).map((link) => {
          const current = link.href === '/admin' ? pathname === '/admin' : pathname.startsWith(link.href);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={current ? 'page' : undefined}
                className={`inline-block border-b-2 px-3 py-2.5 font-medium whitespace-nowrap ${current ? 'border-brand-600 text-brand-800' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'}`}
              >
                {link.label}
                {link.href === '/admin/requests' && pendingRequests ? (
                  <span
                    className="ml-1.5 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-semibold text-white"
                    data-testid="pending-count"
                  >
                    {pendingRequests}
                    <span className="sr-only"> pending</span>
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
