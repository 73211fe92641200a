'use server';

import { z } from 'zod';
import { getAdminDeps } from '@/lib/admin/deps';
import { saveUserLobs } from '@/lib/admin/user-lobs';
import { importUsersCsv, MAX_IMPORT_BYTES, type ImportResult } from '@/lib/admin/user-import';
import { lobNameSchema, usernameSchema } from '@/lib/admin/validation';
import { InputInvalidError } from '@/lib/errors';
import type { ActionState } from '@/components/actions/action-state';
import type { ActionSuccess } from '@/components/actions/define-action';
import { platformAdmins, serverAction } from '@/components/actions/server-action';

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
export const saveUserLobsAction = serverAction({
  name: 'user.lobs.update',
  authorize: platformAdmins,
  schema: userLobsSchema,
  read: (form): UserLobsValues => ({
    username: String(form.get('username') ?? ''),
    lobs: form.getAll('lobs').map(String),
    version: String(form.get('version') ?? ''),
  }),
  act: async ({ username, lobs, version }, { user }) => {
    const saved = await saveUserLobs(getAdminDeps(), {
      actor: user.username,
      username,
      lobs,
      expectedVersion: version === '' ? null : version,
    });
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

const CHOOSE_FILE = 'Choose a CSV file to import.';
const importSchema = z.object({
  file: z
    .instanceof(File, { message: CHOOSE_FILE })
    .refine((file) => file.size > 0, CHOOSE_FILE)
    .check((ctx) => {
      if (ctx.value.size > MAX_IMPORT_BYTES) {
        const message = `The file is ${(ctx.value.size / 1_000_000).toFixed(1)} MB; import at most ${MAX_IMPORT_BYTES / 1_000_000} MB at a time (split it).`;
        ctx.issues.push({ code: 'custom', message, input: ctx.value });
      }
    }),
});

/** Imports a `username,lobs[,action]` CSV file: applies the valid rows, reports the bad ones by line, names the file. */
export const importUsersAction = serverAction({
  name: 'user.lobs.import',
  authorize: platformAdmins,
  read: (form) => {
    const file = form.get('file');
    return { fileName: file instanceof File ? file.name : '' };
  },
  input: (form) => ({ file: form.get('file') }),
  schema: importSchema,
  act: async ({ file }, { user }): Promise<ActionSuccess<ImportState>> => {
    const result = await importUsersCsv(getAdminDeps(), user.username, await file.text());
    if (result.fileError)
      throw new InputInvalidError(`${file.name}: ${result.fileError}`, { details: { field: 'file' } });
    const bad = result.errors.length;
    return {
      ok: bad === 0,
      message:
        `${file.name || 'The file'}: imported ${result.applied} row${result.applied === 1 ? '' : 's'}` +
        (result.removed ? ` (${result.removed} taking memberships away)` : '') +
        (result.unchanged ? ` (${result.unchanged} already up to date)` : '') +
        (bad ? `; ${bad} row${bad === 1 ? ' was' : 's were'} rejected (listed below).` : '.'),
      values: { fileName: file.name },
      result,
      revalidate: ['/admin/users'],
    };
  },
});
