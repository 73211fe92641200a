import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Studio Portal',
  description: 'One-click private access to Amazon SageMaker Studio',
  // The document's policy, as next.config.mjs's header: no Referer leaves the origin, and form posts carry
  // their Origin (which Next's server-action check needs before hydration). Also wins over the no-referrer
  // header a form post's re-rendered page gets (next.config.mjs).
  referrer: 'same-origin',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

// Every page is personal and carries a per-request CSP nonce: never prerender.
export const dynamic = 'force-dynamic';

/** The document only; each section's layout frames its pages with components/ui/site-shell. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-4 py-2 text-sm font-semibold text-brand-700 shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
        >
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
