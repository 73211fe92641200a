'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireAdminRequest, requireLobManagerRequest } from '@/lib/admin/require-admin';
import { getAdminDeps, invalidateLobCache } from '@/lib/admin/deps';
import { createLob, deleteLob, requireLob, setLobEnabled, updateLob } from '@/lib/admin/lobs';
import { parseLobFormValues, readLobForm, type LobFormValues } from '@/lib/admin/lob-form';
import { connectionHeadline, testLobConnection, type ConnectionReport } from '@/lib/admin/connection-test';
import { checkAllLobs } from '@/lib/admin/health-check';
import { LobInUseError } from '@/lib/admin/errors';
import { lobNameSchema, versionSchema } from '@/lib/admin/validation';
import { failureState, type ActionState } from '@/components/admin/action-state';

export type LobFormState = ActionState<LobFormValues>;

/** Creates a LOB; on success goes to its page. */
export async function createLobAction(_prev: LobFormState, form: FormData): Promise<LobFormState> {
  const admin = await requireAdminRequest('lob.create');
  const values = readLobForm(form);
  const parsed = parseLobFormValues(values);
  if (!parsed.success) return { error: 'Some fields need attention.', fieldErrors: parsed.fieldErrors, values };
  try {
    await createLob(getAdminDeps(), admin.username, parsed.input);
    invalidateLobCache();
  } catch (error) {
    return failureState(error, values, 'lob.create');
  }
  revalidatePath('/admin/lobs');
  redirect(`/admin/lobs/${encodeURIComponent(parsed.input.lob)}?saved=created`);
}

/** Saves an edit made from the version the form was opened at. */
export async function updateLobAction(_prev: LobFormState, form: FormData): Promise<LobFormState> {
  const admin = await requireAdminRequest('lob.update');
  const values = readLobForm(form);
  const parsed = parseLobFormValues(values);
  const version = versionSchema.safeParse(values.version);
  if (!parsed.success || !version.success) {
    return {
      error: 'Some fields need attention.',
      fieldErrors: parsed.success ? { _form: 'Missing version; reload the page.' } : parsed.fieldErrors,
      values,
    };
  }
  try {
    if (parsed.input.enabled && !(await requireLob(getAdminDeps(), parsed.input.lob)).enabled) {
      const refused = await refusalToEnable(parsed.input.lob, admin.username);
      if (refused) return { error: refused, fieldErrors: { enabled: refused }, values };
    }
    const saved = await updateLob(getAdminDeps(), admin.username, parsed.input, version.data);
    invalidateLobCache();
    revalidatePath('/admin/lobs');
    revalidatePath(`/admin/lobs/${saved.lob}`);
    return { ok: true, message: `Saved ${saved.lob} (version ${saved.version}).`, values: { ...values, version: String(saved.version) } };
  } catch (error) {
    return failureState(error, values, 'lob.update');
  }
}

const lobRefSchema = z.object({ lob: lobNameSchema, version: versionSchema });

/**
 * Users are offered a LOB only once it works: enabling runs the connection test first and is refused while
 * a step fails (warnings are allowed). Returns the refusal, or undefined when the LOB may be enabled.
 */
async function refusalToEnable(lob: string, admin: string): Promise<string | undefined> {
  const deps = getAdminDeps();
  const report = await testLobConnection(deps, await requireLob(deps, lob), admin);
  if (report.ok) return undefined;
  const failed = report.steps.find((s) => s.status === 'failed');
  return `${lob} was not enabled: the connection test failed${failed ? ` at "${failed.label}": ${failed.detail}` : '.'} Fix it, test again, then enable.`;
}

export interface LobCommandValues {
  lob: string;
  version: string;
  removeMemberships?: boolean;
}
export type LobCommandState = ActionState<LobCommandValues> & { memberCount?: number };

export async function setLobEnabledAction(_prev: LobCommandState, form: FormData): Promise<LobCommandState> {
  const admin = await requireAdminRequest('lob.enable');
  const values = { lob: String(form.get('lob') ?? ''), version: String(form.get('version') ?? '') };
  const parsed = lobRefSchema.safeParse(values);
  const enabled = form.get('enabled') === 'true';
  if (!parsed.success) return { error: 'The request is incomplete; reload the page.', values };
  try {
    if (enabled) {
      const refused = await refusalToEnable(parsed.data.lob, admin.username);
      if (refused) return { error: refused, values };
    }
    const saved = await setLobEnabled(getAdminDeps(), admin.username, parsed.data.lob, enabled, parsed.data.version);
    invalidateLobCache();
    revalidatePath('/admin/lobs');
    revalidatePath(`/admin/lobs/${parsed.data.lob}`);
    return { ok: true, message: `${saved.lob} is now ${saved.enabled ? 'enabled' : 'disabled'}.`, values: { ...values, version: String(saved.version) } };
  } catch (error) {
    return failureState(error, values, 'lob.enable');
  }
}

export async function deleteLobAction(_prev: LobCommandState, form: FormData): Promise<LobCommandState> {
  const admin = await requireAdminRequest('lob.delete');
  const values = {
    lob: String(form.get('lob') ?? ''),
    version: String(form.get('version') ?? ''),
    removeMemberships: form.get('removeMemberships') === 'on',
  };
  const parsed = lobRefSchema.safeParse(values);
  if (!parsed.success) return { error: 'The request is incomplete; reload the page.', values };
  try {
    await deleteLob(getAdminDeps(), admin.username, parsed.data.lob, parsed.data.version, {
      removeMemberships: values.removeMemberships,
    });
    invalidateLobCache();
  } catch (error) {
    const state: LobCommandState = failureState(error, values, 'lob.delete');
    if (error instanceof LobInUseError) state.memberCount = error.memberCount;
    return state;
  }
  revalidatePath('/admin/lobs');
  redirect(`/admin/lobs?deleted=${encodeURIComponent(parsed.data.lob)}`);
}

export type ConnectionTestState = ActionState<{ lob: string }> & { report?: ConnectionReport };

/** Runs the connection test for one LOB (reads only; not audited). */
export async function testConnectionAction(_prev: ConnectionTestState, form: FormData): Promise<ConnectionTestState> {
  const values = { lob: String(form.get('lob') ?? '') };
  const parsed = lobNameSchema.safeParse(values.lob);
  const access = await requireLobManagerRequest('lob.test_connection', parsed.success ? parsed.data : '');
  if (!parsed.success) return { error: 'Unknown line of business.', values };
  try {
    const deps = getAdminDeps();
    const report = await testLobConnection(deps, await requireLob(deps, parsed.data), access.user.username);
    return {
      ok: report.ok,
      message: connectionHeadline(report),
      report,
      values,
    };
  } catch (error) {
    return failureState(error, values, 'lob.test_connection');
  }
}

export type HealthCheckState = ActionState<Record<string, never>>;

/** "Check all now": the scheduled health check, on demand. */
export async function checkAllLobsAction(_prev: HealthCheckState): Promise<HealthCheckState> {
  await requireAdminRequest('lob.health_check');
  try {
    const results = await checkAllLobs(getAdminDeps());
    revalidatePath('/admin/lobs');
    revalidatePath('/admin');
    const failing = results.filter((r) => !r.ok).map((r) => r.lob);
    return {
      ok: true,
      message: `Checked ${results.length} line${results.length === 1 ? '' : 's'} of business: ${failing.length ? `failing: ${failing.join(', ')}` : 'all ok'}.`,
      values: {},
    };
  } catch (error) {
    return failureState(error, {}, 'lob.health_check');
  }
}
