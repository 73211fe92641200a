import type { ReactNode } from 'react';
import type { Metadata } from 'next';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { AdminNav } from '@/components/admin/admin-nav';

export const metadata: Metadata = { title: 'Admin · Studio Portal' };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdminPage('/admin');
  return (
    // The root layout's column is narrow; admin tables need the width.
    <div className="relative left-1/2 w-[min(76rem,calc(100vw-2rem))] -translate-x-1/2">
      <div className="mb-2 flex items-baseline justify-between">
        <p className="text-sm text-gray-700">
          Admin console · signed in as <strong className="text-gray-900">{admin.username}</strong>
        </p>
      </div>
      <AdminNav />
      {children}
    </div>
  );
}
