'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { archiveOrphanAction, backfillSubsAction, type OrphanState } from './actions/orphans';
import { HiddenFields, StatusMessage } from './form-parts';

/** "Archive" for one orphaned row (a plain form post without JavaScript too). */
export function ArchiveOrphanForm({ username, version }: { username: string; version: number }) {
  const values = { username, version: String(version) };
  const [state, action, pending] = useActionState<OrphanState, FormData>(archiveOrphanAction, { values });
  return (
    <form action={action} className="flex flex-col gap-2">
      <HiddenFields values={values} />
      <Button
        type="submit"
        variant="secondary"
        disabled={pending || state.ok}
        aria-label={`Archive the memberships of ${username}`}
      >
        Archive
      </Button>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}

/** "Bind unbound rows": the backfill of rows written before identity binding. */
export function BackfillForm() {
  const [state, action, pending] = useActionState<OrphanState, FormData>(backfillSubsAction, {
    values: { username: '', version: '' },
  });
  return (
    <form action={action} className="flex flex-col gap-2">
      <Button type="submit" disabled={pending}>
        Bind unbound rows
      </Button>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}
