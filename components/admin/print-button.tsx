'use client';

import { Button } from '@/components/ui/button';

/** "Print" on a printable page: the browser's print dialog (the page's print styles hide the console's frame). */
export function PrintButton() {
  return (
    <Button type="button" onClick={() => window.print()}>
      Print
    </Button>
  );
}
