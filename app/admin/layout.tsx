import type { ReactNode } from 'react';
import type { Metadata } from 'next';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { AdminNav } from '@/components/admin/admin-nav';
import { SiteShell } from '@/components/ui/site-shell';
import { readPendingRequestCount } from './pending-requests';

export const metadata: Metadata = { title: 'Admin · Studio Portal' };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Each admin page checks again itself; this keeps everyone who is neither admin nor owner from seeing even the frame.
  const access = await requireConsolePage('/admin');
  const pending = await readPendingRequestCount(access.lobs);
  return (
    <SiteShell width="wide" section="admin">
      <AdminNav platformAdmin={access.platformAdmin} pendingRequests={pending} />
      {children}
    </SiteShell>
  );
}
