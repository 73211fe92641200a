import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/components/launch/sign-out-button';
import { getIdpLogoutUrl } from '@/lib/auth/idp-logout';
import { canOpenConsole, getSessionUser } from '@/lib/auth/session';

/**
 * One column for every section (portal, sign-in, admin), so the header and the brand stay put when moving
 * between them; portal pages read best narrow and keep their content to the left part of it.
 */
const COLUMN = 'mx-auto w-full max-w-6xl px-4 sm:px-6';
const WIDTHS = {
  narrow: 'max-w-3xl',
  wide: '',
} as const;

export type ShellWidth = keyof typeof WIDTHS;
/** Which part of the portal the page belongs to (marks the header's Admin link). */
export type ShellSection = 'portal' | 'admin';

/**
 * The page frame: a header and `<main id="main">` in one centred column, the same in every section, so
 * the header lines up with the content and nothing jumps between the portal and the admin console. It only shows who is signed in; each page still checks access itself.
 */
export async function SiteShell({
  width = 'narrow',
  section = 'portal',
  signingIn = false,
  children,
}: {
  width?: ShellWidth;
  section?: ShellSection;
  /** The sign-in action's own response: the header shows nobody yet (the next page, loaded in full, does). */
  signingIn?: boolean;
  children: ReactNode;
}) {
  const user = signingIn ? null : await getSessionUser();
  const admin = await canOpenConsole(user);
  const idpLogoutUrl = user ? await getIdpLogoutUrl() : undefined;

  return (
    <>
      <header className="border-b border-slate-200 bg-white print:hidden">
        <div className={`${COLUMN} flex min-h-16 flex-wrap items-center justify-between gap-x-6 gap-y-3 py-3`}>
          <div className="flex items-center gap-6">
            <Link href="/" className="rounded-sm text-base font-semibold tracking-tight text-slate-900">
              Studio Portal
            </Link>
            {admin && (
              <nav aria-label="Portal sections">
                <ul className="flex items-center gap-1 text-sm">
                  <li>
                    <Link
                      href="/admin"
                      aria-current={section === 'admin' ? 'true' : undefined}
                      className="rounded-md px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 aria-[current]:bg-brand-50 aria-[current]:text-brand-800"
                    >
                      Admin
                    </Link>
                  </li>
                </ul>
              </nav>
            )}
          </div>
          {user && (
            <div className="flex items-center gap-4">
              <p className="text-sm text-slate-600">
                <span className="sr-only sm:not-sr-only">Signed in as </span>
                <span className="font-medium text-slate-900" data-testid="whoami">
                  {user.username}
                </span>
              </p>
              <SignOutButton idpLogoutUrl={idpLogoutUrl} />
            </div>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} className={`${COLUMN} py-8 outline-none sm:py-10`}>
        {WIDTHS[width] ? <div className={WIDTHS[width]}>{children}</div> : children}
      </main>
    </>
  );
}
