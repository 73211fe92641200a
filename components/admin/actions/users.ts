'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireAdminRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { saveUserLobs } from '@/lib/admin/users';
import { importUsersCsv, MAX_IMPORT_BYTES, type ImportResult } from '@/lib/admin/user-import';
import { lobNameSchema, usernameSchema } from '@/lib/admin/validation';
import { failureState, type ActionState } from '@/components/admin/action-state';
import { defineAdminAction } from './define-admin-action';

export interface UserLobsValues {
  username: string;
  lobs: string[];
  /** '' = the user had no row when the form was opened. */
  version: string;
}
export type UserLobsState = ActionState<UserLobsValues>;

const userLobsSchema = z.object({
  username: usernameSchema,
  lobs: z.array(lobNameSchema),
  version: z.union([z.literal(''), z.coerce.number().int().min(1)]),
});

/** Sets a user's LOB memberships (none = remove the mapping). */
export const saveUserLobsAction = defineAdminAction({
  name: 'user.lobs.update',
  schema: userLobsSchema,
  read: (form): UserLobsValues => ({
    username: String(form.get('username') ?? ''),
    lobs: form.getAll('lobs').map(String),
    version: String(form.get('version') ?? ''),
  }),
  act: async ({ username, lobs, version }, admin) => {
    const saved = await saveUserLobs(getAdminDeps(), admin.username, username, lobs, version === '' ? null : version);
    return {
      message: saved
        ? `Saved: ${username} is in ${saved.lobs.join(', ')} (version ${saved.version}).`
        : `Saved: ${username} has no explicit LOB memberships now.`,
      values: { username, lobs: saved?.lobs ?? [], version: saved ? String(saved.version) : '' },
      revalidate: ['/admin/users'],
    };
  },
});

export type ImportState = ActionState<{ fileName: string }> & { result?: ImportResult };

/** Imports a `username,lobs[,action]` CSV file: applies the valid rows, reports the bad ones by line, names the file. */
export async function importUsersAction(_prev: ImportState, form: FormData): Promise<ImportState> {
  const admin = await requireAdminRequest('user.lobs.import');
  const file = form.get('file');
  const values = { fileName: file instanceof File ? file.name : '' };
  if (!(file instanceof File) || file.size === 0) {
    return { error: 'Choose a CSV file to import.', fieldErrors: { file: 'Choose a CSV file to import.' }, values };
  }
  if (file.size > MAX_IMPORT_BYTES) {
    const message = `The file is ${(file.size / 1_000_000).toFixed(1)} MB; import at most ${MAX_IMPORT_BYTES / 1_000_000} MB at a time (split it).`;
    return { error: message, fieldErrors: { file: message }, values };
  }
  try {
    const result = await importUsersCsv(getAdminDeps(), admin.username, await file.text());
    if (result.fileError) {
      const message = `${values.fileName}: ${result.fileError}`;
      return { error: message, fieldErrors: { file: message }, values, result };
    }
    revalidatePath('/admin/users');
    const bad = result.errors.length;
    return {
      ok: bad === 0,
      message: `${values.fileName || 'The file'}: imported ${result.applied} row${result.applied === 1 ? '' : 's'}` +
        (result.removed ? ` (${result.removed} taking memberships away)` : '') +
        (result.unchanged ? ` (${result.unchanged} already up to date)` : '') +
        (bad ? `; ${bad} row${bad === 1 ? ' was' : 's were'} rejected (listed below).` : '.'),
      values,
      result,
    };
  } catch (error) {
    return failureState(error, values, 'user.lobs.import');
  }
}
