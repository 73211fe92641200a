import type { ReactNode } from 'react';
import { SiteShell } from '@/components/ui/site-shell';
import { isHydratedActionCall } from '@/lib/auth/sign-in-steps';

export default async function SignInLayout({ children }: { children: ReactNode }) {
  // The hydrated form's sign-in response re-renders this page with the new session cookie. Its header stays
  // signed out: the form loads the next page in full, which shows who is signed in with focus at the top
  // (a signed-in header here would be a half-changed page that the keyboard could wander into first).
  return (
    <SiteShell width="narrow" signingIn={await isHydratedActionCall()}>
      {children}
    </SiteShell>
  );
}
