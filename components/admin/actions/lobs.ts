'use server';

import { z } from 'zod';
import { getAdminDeps, invalidateLobCache } from '@/lib/admin/deps';
import { createLob, deleteLob, requireLob, setLobEnabled, updateLob } from '@/lib/admin/lobs';
import { parseLobFormValues, readLobForm, type LobFormValues } from '@/lib/admin/lob-form';
import {
  connectionHeadline,
  requireWorkingConnection as requireConnection,
  testLobConnection,
  type ConnectionReport,
} from '@/lib/admin/connection-test';
import { checkAllLobs } from '@/lib/admin/health-check';
import { LobInUseError } from '@/lib/admin/errors';
import { lobNameSchema, versionSchema } from '@/lib/admin/validation';
import type { ActionState } from '@/components/actions/action-state';
import { hiddenFields } from '@/components/actions/define-action';
import { managersOf, platformAdmins, serverAction } from '@/components/actions/server-action';
import { signFlash } from '@/lib/http/flash';

export type LobFormState = ActionState<LobFormValues>;

/** The LOB form's strings -> a validated LobInput (with the version it was opened at, for edits). */
function lobFormSchema({ versioned }: { versioned: boolean }) {
  return z.custom<LobFormValues>().transform((values, ctx) => {
    const parsed = parseLobFormValues(values);
    const version = versionSchema.safeParse(values.version);
    if (!parsed.success) {
      for (const [field, message] of Object.entries(parsed.fieldErrors))
        ctx.addIssue({ code: 'custom', path: [field], message });
      return z.NEVER;
    }
    if (versioned && !version.success) {
      ctx.addIssue({ code: 'custom', path: ['_form'], message: 'Missing version; reload the page.' });
      return z.NEVER;
    }
    return { input: parsed.input, version: version.success ? version.data : 0 };
  });
}

/** The connection test gate of enabling (lib/admin/connection-test.ts), for the LOB as stored. */
async function requireWorkingConnection(lob: string, admin: string): Promise<void> {
  const deps = getAdminDeps();
  await requireConnection(deps, await requireLob(deps, lob), admin);
}

const lobPages = (lob: string) => ['/admin/lobs', `/admin/lobs/${lob}`];

/** Creates a LOB; on success goes to its page. */
export const createLobAction = serverAction({
  name: 'lob.create',
  authorize: platformAdmins,
  read: readLobForm,
  schema: lobFormSchema({ versioned: false }),
  act: async ({ input }, { user }, { values }) => {
    await createLob(getAdminDeps(), user.username, input);
    invalidateLobCache();
    return {
      values,
      revalidate: ['/admin/lobs'],
      redirect: `/admin/lobs/${encodeURIComponent(input.lob)}?saved=created`,
    };
  },
});

/** Saves an edit made from the version the form was opened at. */
export const updateLobAction = serverAction({
  name: 'lob.update',
  authorize: platformAdmins,
  read: readLobForm,
  schema: lobFormSchema({ versioned: true }),
  act: async ({ input, version }, { user }, { values }) => {
    if (input.enabled && !(await requireLob(getAdminDeps(), input.lob)).enabled)
      await requireWorkingConnection(input.lob, user.username);
    const saved = await updateLob(getAdminDeps(), user.username, input, version);
    invalidateLobCache();
    return {
      message: `Saved ${saved.lob} (version ${saved.version}).`,
      values: { ...values, version: String(saved.version) },
      revalidate: lobPages(saved.lob),
    };
  },
});

export interface LobCommandValues {
  lob: string;
  version: string;
  removeMemberships?: boolean;
}
export type LobCommandState = ActionState<LobCommandValues> & { memberCount?: number };

const lobRef = z.object({ lob: lobNameSchema, version: versionSchema });
const readLobRef = (form: FormData): LobCommandValues => ({
  lob: String(form.get('lob') ?? ''),
  version: String(form.get('version') ?? ''),
});

/** "Enable" / "Disable": enabling runs the connection test first. */
export const setLobEnabledAction = serverAction({
  name: 'lob.enable',
  authorize: platformAdmins,
  read: readLobRef,
  input: (form, values) => ({ ...values, enabled: form.get('enabled') === 'true' }),
  schema: hiddenFields(lobRef.extend({ enabled: z.boolean() })),
  act: async ({ lob, version, enabled }, { user }, { values }) => {
    if (enabled) await requireWorkingConnection(lob, user.username);
    const saved = await setLobEnabled(getAdminDeps(), user.username, lob, enabled, version);
    invalidateLobCache();
    return {
      message: `${saved.lob} is now ${saved.enabled ? 'enabled' : 'disabled'}.`,
      values: { ...values, version: String(saved.version) },
      revalidate: lobPages(lob),
    };
  },
});

/** "Delete": refused with the member count while users still reference the LOB, unless they are removed too. */
export const deleteLobAction = serverAction({
  name: 'lob.delete',
  authorize: platformAdmins,
  read: (form): LobCommandValues => ({
    ...readLobRef(form),
    removeMemberships: form.get('removeMemberships') === 'on',
  }),
  schema: hiddenFields(lobRef.extend({ removeMemberships: z.boolean() })),
  act: async ({ lob, version, removeMemberships }, { user }, { values }) => {
    await deleteLob(getAdminDeps(), user.username, lob, version, { removeMemberships });
    invalidateLobCache();
    return {
      values,
      revalidate: ['/admin/lobs'],
      redirect: `/admin/lobs?deleted=${encodeURIComponent(signFlash('lob.deleted', lob))}`,
    };
  },
  failed: (state: LobCommandState, error: unknown): LobCommandState =>
    error instanceof LobInUseError ? { ...state, memberCount: error.memberCount } : state,
});

export type ConnectionTestState = ActionState<{ lob: string }> & { report?: ConnectionReport };

/** Runs the connection test for one LOB (reads only; not audited): its owners and platform admins. */
export const testConnectionAction = serverAction({
  name: 'lob.test_connection',
  authorize: managersOf((values: { lob: string }) => values.lob),
  read: (form) => ({ lob: String(form.get('lob') ?? '') }),
  schema: hiddenFields(z.object({ lob: lobNameSchema }), 'Unknown line of business.'),
  act: async ({ lob }, { user }, { values }): Promise<ConnectionTestState> => {
    const deps = getAdminDeps();
    const report = await testLobConnection(deps, await requireLob(deps, lob), user.username);
    return { ok: report.ok, message: connectionHeadline(report), report, values };
  },
});

export type HealthCheckState = ActionState<Record<string, never>>;

/** "Check all now": the scheduled health check, on demand. */
export const checkAllLobsAction = serverAction({
  name: 'lob.health_check',
  authorize: platformAdmins,
  read: (): Record<string, never> => ({}),
  schema: z.object({}),
  act: async () => {
    const results = await checkAllLobs(getAdminDeps());
    const failing = results.filter((r) => !r.ok).map((r) => r.lob);
    return {
      message: `Checked ${results.length} line${results.length === 1 ? '' : 's'} of business: ${failing.length ? `failing: ${failing.join(', ')}` : 'all ok'}.`,
      values: {},
      revalidate: ['/admin/lobs', '/admin'],
    };
  },
});
