import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteShell } from '@/components/ui/site-shell';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'No access · Studio Portal' };

/** Shown with HTTP 403 wherever a page calls forbidden() (the admin console for non-admins). */
export default function Forbidden() {
  const { supportContact } = getConfig();
  return (
    <SiteShell>
      <div className="space-y-3">
        <p className="text-sm font-semibold text-slate-500">403</p>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">You don’t have access to this page</h1>
        <p className="text-sm text-slate-600">
          This part of the portal is for portal administrators. If you need it, ask {supportContact} to add you to the
          administrators&apos; group.
        </p>
        <p>
          <Link href="/" className="text-sm font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-800">
            Go to the portal&apos;s home page
          </Link>
        </p>
      </div>
    </SiteShell>
  );
}
