import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { requireAdminRequest } from '@/lib/admin/require-admin';
import { defineAction, type ActionSpec } from './define-action';

/** An admin server action: only platform admins pass (403 for everyone else, signed in or not). */
export function defineAdminAction<S extends z.ZodType, V extends object>(spec: ActionSpec<S, V>) {
  return defineAction(spec, { authorize: requireAdminRequest, revalidate: (path) => revalidatePath(path) });
}
