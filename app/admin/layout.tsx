import type { ReactNode } from 'react';
import type { Metadata } from 'next';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { AdminNav } from '@/components/admin/admin-nav';
import { SiteShell } from '@/components/ui/site-shell';

export const metadata: Metadata = { title: 'Admin · Studio Portal' };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Each admin page checks again itself; this keeps non-admins from seeing even the frame.
  await requireAdminPage('/admin');
  return (
    <SiteShell width="wide" section="admin">
      <AdminNav />
      {children}
    </SiteShell>
  );
}
