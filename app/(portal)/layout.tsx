import type { ReactNode } from 'react';
import { SiteShell } from '@/components/ui/site-shell';

export default function PortalLayout({ children }: { children: ReactNode }) {
  return <SiteShell width="narrow">{children}</SiteShell>;
}
