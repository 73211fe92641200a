'use client';

import { useEffect, useRef } from 'react';

/**
 * A modal <dialog> and the button that opens it: focus goes back to the opener when the dialog closes
 * (Escape, Cancel, or a successful submit), as the dialog pattern asks.
 */
export function useDialog() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const restore = () => openerRef.current?.focus();
    dialog.addEventListener('close', restore);
    return () => dialog.removeEventListener('close', restore);
  }, []);
  return { dialogRef, openerRef };
}
