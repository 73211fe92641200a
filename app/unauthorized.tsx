import type { Metadata } from 'next';
import { StatusPage } from '@/components/ui/status-page';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'Sign in again with MFA · Studio Portal' };

/**
 * Shown with HTTP 401 wherever the console calls unauthorized(): a session that did not pass MFA where the
 * stage requires it (lib/admin/require-admin.ts, CONSOLE_REQUIRE_MFA).
 */
export default function Unauthorized() {
  const { supportContact } = getConfig();
  return (
    <StatusPage status={401} title="Sign in again with MFA">
      The admin console needs a sign-in with two-step verification (MFA): sign out, then sign in again with your
      password and the code from your authenticator app. If your account has no authenticator app set up, ask{' '}
      {supportContact} to turn MFA on for it.
    </StatusPage>
  );
}
