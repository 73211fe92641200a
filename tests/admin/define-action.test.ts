import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineAction,
  hiddenFields,
  type ActionCollaborators,
  type Authorized,
} from '@/components/actions/define-action';
import { VersionConflictError } from '@/lib/admin/errors';
import { usernameSchema } from '@/lib/admin/validation';
import type { SessionUser } from '@/lib/auth/types';
import { PortalError } from '@/lib/errors';

const admin: SessionUser = { username: 'portal-admin', groups: ['portal-admins'] };

/** Stands for Next's forbidden(): an interrupt that is not a portal error. */
class Interrupt extends Error {}

/** The surroundings an action runs in, recording what the wrapper asked of them. */
function surroundings(refuse?: () => never) {
  const calls = {
    authorized: [] as string[],
    revalidated: [] as string[],
    redirected: [] as string[],
    records: [] as Array<{ action: string; actor: string; outcome: string }>,
  };
  const authorize = async (_values: unknown, name: string): Promise<Authorized> => {
    calls.authorized.push(name);
    if (refuse) refuse();
    return { user: admin };
  };
  const collaborators: ActionCollaborators = {
    revalidate: (path) => calls.revalidated.push(path),
    redirect: (url) => {
      calls.redirected.push(url);
      throw new Interrupt(`redirect ${url}`);
    },
    requestId: async () => 'req-1234567890',
    record: (entry) => calls.records.push(entry),
  };
  return { calls, authorize, collaborators };
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

function renameAction(
  { authorize, collaborators }: ReturnType<typeof surroundings>,
  act: (input: { username: string; version: number }, actor: SessionUser) => Promise<void>,
  redirect?: string,
) {
  return defineAction(
    {
      name: 'user.rename',
      authorize,
      schema: z.object({ username: usernameSchema, version: z.coerce.number().int().min(1) }),
      read: (f): RenameValues => ({
        username: String(f.get('username') ?? ''),
        version: String(f.get('version') ?? ''),
      }),
      act: async (input, { user }) => {
        await act(input, user);
        return {
          message: `Saved ${input.username}.`,
          values: { username: input.username, version: String(input.version + 1) },
          revalidate: ['/admin/users'],
          redirect,
        };
      },
    },
    collaborators,
  );
}

describe('Function: defineAction', () => {
  it('authorizes, validates, acts as the signed-in admin, revalidates and records the outcome', async () => {
    const env = surroundings();
    const { calls } = env;
    const acted: unknown[] = [];
    const action = renameAction(env, async (input, actor) => void acted.push({ input, actor: actor.username }));
    const state = await action(
      { values: { username: '', version: '' } },
      form({ username: 'user-lob-a', version: '3' }),
    );
    expect(state).toEqual({ ok: true, message: 'Saved user-lob-a.', values: { username: 'user-lob-a', version: '4' } });
    expect(acted).toEqual([{ input: { username: 'user-lob-a', version: 3 }, actor: 'portal-admin' }]);
    expect(calls.authorized).toEqual(['user.rename']);
    expect(calls.revalidated).toEqual(['/admin/users']);
    expect(calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'ok' }]);
  });

  it('lets a 403 interrupt through without acting or recording', async () => {
    const env = surroundings(() => {
      throw new Interrupt('forbidden');
    });
    let acted = false;
    const action = renameAction(env, async () => void (acted = true));
    await expect(
      action({ values: { username: '', version: '' } }, form({ username: 'user-lob-a', version: '1' })),
    ).rejects.toBeInstanceOf(Interrupt);
    expect(acted).toBe(false);
    expect(env.calls.authorized).toEqual(['user.rename']);
    expect(env.calls.records).toEqual([]);
  });

  it('shows a refusal that is a portal error (signed out) as the state, with its code and request id', async () => {
    const env = surroundings(() => {
      throw new PortalError('auth.unauthenticated', 'Your session has ended. Sign in again.');
    });
    let acted = false;
    const action = renameAction(env, async () => void (acted = true));
    const state = await action(undefined, form({ username: 'user-lob-a', version: '1' }));
    expect(acted).toBe(false);
    expect(state).toEqual({
      error: 'Your session has ended. Sign in again.',
      code: 'auth.unauthenticated',
      requestId: 'req-1234567890',
      values: { username: 'user-lob-a', version: '1' },
    });
    expect(env.calls.records).toEqual([]);
  });

  it('revalidates, records, then redirects (outside the failure handling)', async () => {
    const env = surroundings();
    const action = renameAction(env, async () => undefined, '/admin/users/user-lob-a');
    await expect(action(undefined, form({ username: 'user-lob-a', version: '1' }))).rejects.toBeInstanceOf(Interrupt);
    expect(env.calls.revalidated).toEqual(['/admin/users']);
    expect(env.calls.redirected).toEqual(['/admin/users/user-lob-a']);
    expect(env.calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'ok' }]);
  });

  it('answers one form-level message for a stale form of hidden fields', async () => {
    const env = surroundings();
    const action = defineAction(
      {
        name: 'lob.delete',
        authorize: env.authorize,
        read: (f) => ({ lob: String(f.get('lob') ?? '') }),
        schema: hiddenFields(z.object({ lob: z.string().min(1) })),
        act: async (_input, _access, { values }) => ({ values }),
      },
      env.collaborators,
    );
    const state = await action(undefined, form({ lob: '' }));
    expect(state).toEqual({
      error: 'The request is incomplete; reload the page.',
      code: 'input.invalid',
      requestId: 'req-1234567890',
      values: { lob: '' },
    });
    expect(state.fieldErrors).toBeUndefined();
  });

  it('answers field errors and keeps what was typed when validation fails, without acting', async () => {
    const env = surroundings();
    const { calls } = env;
    let acted = false;
    const action = renameAction(env, async () => void (acted = true));
    const state = await action({ values: { username: '', version: '' } }, form({ username: '-bad-', version: 'x' }));
    expect(acted).toBe(false);
    expect(state.ok).toBeUndefined();
    expect(state.values).toEqual({ username: '-bad-', version: 'x' });
    expect(Object.keys(state.fieldErrors ?? {}).sort()).toEqual(['username', 'version']);
    expect(calls.revalidated).toEqual([]);
    expect(calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'input.invalid' }]);
  });

  it('turns a refused save into a conflict state naming who changed it', async () => {
    const env = surroundings();
    const { calls } = env;
    const current = { updatedBy: 'other-admin', updatedAt: '2026-12-01T00:00:00.000Z', version: 5 };
    const action = renameAction(env, async () => {
      throw new VersionConflictError('user-lob-a', current);
    });
    const state = await action(
      { values: { username: '', version: '' } },
      form({ username: 'user-lob-a', version: '3' }),
    );
    expect(state.conflict).toEqual(current);
    expect(state.error).toContain('other-admin');
    // Saving again after reading the notice carries the version that is current now.
    expect(state.values).toEqual({ username: 'user-lob-a', version: '5' });
    expect(calls.records).toEqual([{ action: 'user.rename', actor: 'portal-admin', outcome: 'conflict.version' }]);
  });
});
