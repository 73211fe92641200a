import type { ReactNode } from 'react';
import type { Metadata } from 'next';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { countPendingRequests } from '@/lib/admin/requests';
import { AdminNav } from '@/components/admin/admin-nav';
import { SiteShell } from '@/components/ui/site-shell';

export const metadata: Metadata = { title: 'Admin · Studio Portal' };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Each admin page checks again itself; this keeps everyone who is neither admin nor owner from seeing even the frame.
  const access = await requireConsolePage('/admin');
  const pending = await countPendingRequests(getAdminDeps(), access.lobs).catch(() => undefined);
  return (
    <SiteShell width="wide" section="admin">
      <AdminNav platformAdmin={access.platformAdmin} pendingRequests={pending} />
      {children}
    </SiteShell>
  );
}
