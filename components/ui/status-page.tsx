import Link from 'next/link';
import type { ReactNode } from 'react';
import { SiteShell } from './site-shell';

/** A framed error page (403, 404): the status, what happened, and the way back home. */
export function StatusPage({ status, title, children }: { status: number; title: string; children: ReactNode }) {
  return (
    <SiteShell>
      <div className="space-y-3">
        <p className="text-sm font-semibold text-slate-500">{status}</p>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        <p className="text-sm text-slate-600">{children}</p>
        <p>
          <Link
            href="/"
            className="text-sm font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-800"
          >
            Go to the portal&apos;s home page
          </Link>
        </p>
      </div>
    </SiteShell>
  );
}
