import type { Metadata } from 'next';
import { StatusPage } from '@/components/ui/status-page';

export const metadata: Metadata = { title: 'Page not found · Studio Portal' };

export default function NotFound() {
  return (
    <StatusPage status={404} title="Page not found">
      There is no page at this address. It may have moved, or the link may be mistyped.
    </StatusPage>
  );
}
