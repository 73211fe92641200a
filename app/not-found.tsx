import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteShell } from '@/components/ui/site-shell';

export const metadata: Metadata = { title: 'Page not found · Studio Portal' };

export default function NotFound() {
  return (
    <SiteShell>
      <div className="space-y-3">
        <p className="text-sm font-semibold text-slate-500">404</p>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
        <p className="text-sm text-slate-600">There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <p>
          <Link href="/" className="text-sm font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-800">
            Go to the portal&apos;s home page
          </Link>
        </p>
      </div>
    </SiteShell>
  );
}
