import type { ReactNode } from 'react';
import { SiteShell } from '@/components/ui/site-shell';

export default function SignInLayout({ children }: { children: ReactNode }) {
  return <SiteShell width="narrow">{children}</SiteShell>;
}
