import type { Metadata } from 'next';
import { StatusPage } from '@/components/ui/status-page';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'No access · Studio Portal' };

/** Shown with HTTP 403 wherever a page calls forbidden() (the admin console for non-admins). */
export default function Forbidden() {
  const { supportContact } = getConfig();
  return (
    <StatusPage status={403} title="You don’t have access to this page">
      This part of the portal is for portal administrators. If you need it, ask {supportContact} to add you to the
      administrators&apos; group.
    </StatusPage>
  );
}
