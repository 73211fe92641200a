'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

const SIGNED_OUT_PATH = '/signin?signedOut=1';

/**
 * Ends the portal session (next-auth clears its cookies), then, in hosted-UI mode, the IdP's session
 * too: the IdP's logout endpoint sends the browser back to the sign-in page. Without the second step
 * the next "Sign in" would be answered silently by the IdP's still-open session.
 */
export function SignOutButton({ idpLogoutUrl }: { idpLogoutUrl?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="secondary"
      aria-disabled={pending || undefined}
      onClick={async () => {
        if (pending) return;
        setPending(true);
        try {
          await signOut({ redirect: false });
        } finally {
          window.location.assign(idpLogoutUrl ?? SIGNED_OUT_PATH);
        }
      }}
    >
      {pending ? 'Signing out…' : 'Sign out'}
    </Button>
  );
}
