import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAction, type ActionCollaborators } from '@/components/admin/actions/define-action';
import { VersionConflictError } from '@/lib/admin/errors';
import { usernameSchema } from '@/lib/admin/validation';
import type { SessionUser } from '@/lib/auth/types';
import { PortalError } from '@/lib/errors';

const admin: SessionUser = { username: 'portal-admin', groups: ['portal-admins'] };

/** The surroundings an action runs in, recording what the wrapper asked of them. */
function surroundings(allow = true) {
  const calls = { authorized: [] as string[], revalidated: [] as string[], records: [] as Array<{ action: string; actor: string; outcome: string }> };
  const collaborators: ActionCollaborators = {
    authorize: async (name) => {
      calls.authorized.push(name);
      if (!allow) throw new PortalError('auth.forbidden');
      return admin;
    },
    revalidate: (path) => calls.revalidated.push(path),
    record: (entry) => calls.records.push(entry),
  };
  return { calls, collaborators };
}

const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
};

interface RenameValues {
  username: string;
  version: string;
}

function renameAction(collaborators: ActionCollaborators, act: (input: { username: string; version: number }, actor: SessionUser) => Promise<void>) {
  return defineAction(
    {
      name: 'user.rename',
      schema: z.object({ username: usernameSchema, version: z.coerce.number().int().min(1) }),
      read: (f): RenameValues => ({ username: String(f.get('username') ?? ''), version: String(f.get('version') ?? '') }),
      act: async (input, actor) => {
        await act(input, actor);
        return { message: `Saved ${input.username}.`, values: { username: input.username, version: String(input.version + 1) }, revalidate: ['/admin/users'] };
      },
    },
    collaborators,
  );
}

describe('Function: defineAction', () => {
  it('authorizes, validates, acts as the signed-in admin, revalidates and records the outcome', async () => {
    const { calls, collaborators } = surroundings();
    const acted: unknown[] = [];
    const action = renameAction(collaborators, async (input, actor) => void acted.push({ input, actor: actor.username }));
    const state = await action({ values: { username: '', version: '' } }, form({ username: 'user-lob-a', version: '3' }));
    expect(state).toEqual({ ok: true, message: 'Saved user-lob-a.', values: { username: 'user-lob-a', version: '4' } });
    expect(acted).toEqual([{ input: { username: 'user-lob-a', version: 3 }, actor: 'portal-admin' }]);
    expect(calls.authorized).toEqual(['user.rename']);
    expect(calls.revalidated).toEqual(['/admin/users']);
    expect(calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'ok' }]);
  });

  it('refuses before reading the form when authorization fails', async () => {
    const { calls, collaborators } = surroundings(false);
    let acted = false;
    const action = renameAction(collaborators, async () => void (acted = true));
    await expect(action({ values: { username: '', version: '' } }, form({ username: 'user-lob-a', version: '1' }))).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect(acted).toBe(false);
    expect(calls.records).toEqual([]);
  });

  it('answers field errors and keeps what was typed when validation fails, without acting', async () => {
    const { calls, collaborators } = surroundings();
    let acted = false;
    const action = renameAction(collaborators, async () => void (acted = true));
    const state = await action({ values: { username: '', version: '' } }, form({ username: '-bad-', version: 'x' }));
    expect(acted).toBe(false);
    expect(state.ok).toBeUndefined();
    expect(state.values).toEqual({ username: '-bad-', version: 'x' });
    expect(Object.keys(state.fieldErrors ?? {}).sort()).toEqual(['username', 'version']);
    expect(calls.revalidated).toEqual([]);
    expect(calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'input.invalid' }]);
  });

  it('turns a refused save into a conflict state naming who changed it', async () => {
    const { calls, collaborators } = surroundings();
    const current = { updatedBy: 'other-admin', updatedAt: '2026-12-01T00:00:00.000Z', version: 5 };
    const action = renameAction(collaborators, async () => {
      throw new VersionConflictError('user-lob-a', current);
    });
    const state = await action({ values: { username: '', version: '' } }, form({ username: 'user-lob-a', version: '3' }));
    expect(state.conflict).toEqual(current);
    expect(state.error).toContain('other-admin');
    // Saving again after reading the notice carries the version that is current now.
    expect(state.values).toEqual({ username: 'user-lob-a', version: '5' });
    expect(calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'conflict.version' }]);
  });
});
