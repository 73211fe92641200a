/** /api/v1/lobs: list and get (owners: their LOBs), create, update, enable, disable (platform admins). */
import { z } from 'zod';
import { invalidateLobCache } from '@/lib/admin/deps';
import { requireWorkingConnection } from '@/lib/admin/connection-test';
import { createLob, listLobs, requireLob, setLobEnabled, updateLob } from '@/lib/admin/lobs';
import { lobInputSchema } from '@/lib/admin/validation';
import { canManageLob } from '@/lib/auth/roles';
import { managersOf, requireConsole, requirePlatformAdmin } from '../authorize';
import { requireVersion } from '../etag';
import { operationsOf, withVersion } from '../operation';
import { lobParam, lobSchema, pageOf } from '../schemas';

const op = operationsOf('LOBs', { read: 'lobs.read', write: 'lobs.write' });

/** A new LOB: the console's fields; it starts disabled (enable it once its connection test passes). */
const newLobSchema = z
  .preprocess((v) => (v && typeof v === 'object' ? { enabled: false, ...v } : v), lobInputSchema)
  .meta({ id: 'NewLob', description: "A new LOB (the console form's fields). It is always created disabled." });

/** Any editable field but the key and `enabled` (that is /enable and /disable, which run the connection test). */
const lobPatchSchema = z.object(lobInputSchema.shape).omit({ lob: true, enabled: true }).partial().strict().meta({
  id: 'LobPatch',
  description: 'The fields to change; the result is validated as a whole, as the console form is.',
});

export const listLobsOp = op('get /lobs', 'listLobs', {
  summary: 'List the LOBs you manage (platform admins: all)',
  success: { status: 200, description: 'The LOBs, by key.', schema: pageOf(lobSchema, 'LobPage') },
  handle: async ({ caller, deps }) => {
    requireConsole(caller, 'lob.list');
    const lobs = (await listLobs(deps)).filter((l) => canManageLob(caller.access, l.lob));
    return { body: { items: lobs.sort((a, b) => a.lob.localeCompare(b.lob)) } };
  },
});

export const getLobOp = op('get /lobs/{lob}', 'getLob', {
  summary: 'Get one LOB (with its ETag)',
  ...managersOf(lobParam, 'lob.get'),
  success: { status: 200, description: 'The LOB.', schema: lobSchema, etag: true },
  errors: [404],
  handle: async ({ params, deps }) => withVersion(await requireLob(deps, params.lob)),
});

export const createLobOp = op('post /lobs', 'createLob', {
  summary: 'Create a LOB (disabled until enabled)',
  body: newLobSchema,
  idempotent: true,
  authorize: (caller) => requirePlatformAdmin(caller, 'lob.create'),
  success: { status: 201, description: 'Created.', schema: lobSchema, etag: true },
  errors: [409, 422],
  handle: async ({ caller, body, deps }) => {
    const created = await createLob(deps, caller.actor, body);
    invalidateLobCache();
    return { ...withVersion(created), location: `/api/v1/lobs/${created.lob}` };
  },
});

export const updateLobOp = op('patch /lobs/{lob}', 'updateLob', {
  summary: 'Change fields of a LOB (If-Match required)',
  params: lobParam,
  body: lobPatchSchema,
  ifMatch: true,
  authorize: (caller) => requirePlatformAdmin(caller, 'lob.update'),
  success: { status: 200, description: 'Saved.', schema: lobSchema, etag: true },
  errors: [404, 409, 412, 428],
  handle: async ({ caller, params, body, ifMatch, deps }) => {
    const before = await requireLob(deps, params.lob);
    requireVersion(before.version, ifMatch, `Line of business ${params.lob}`);
    const { version: _v, updatedAt: _a, updatedBy: _b, idleShutdownMinutes: _i, ...fields } = before;
    const saved = await updateLob(deps, caller.actor, lobInputSchema.parse({ ...fields, ...body }), ifMatch);
    invalidateLobCache();
    return withVersion(saved);
  },
});

const switchOp = (enabled: boolean) =>
  op(`post /lobs/{lob}/${enabled ? 'enable' : 'disable'}`, enabled ? 'enableLob' : 'disableLob', {
    summary: enabled
      ? 'Enable a LOB (runs the connection test first; If-Match required)'
      : 'Disable a LOB (If-Match required)',
    params: lobParam,
    ifMatch: true,
    authorize: (caller) => requirePlatformAdmin(caller, enabled ? 'lob.enable' : 'lob.disable'),
    success: { status: 200, description: enabled ? 'Enabled.' : 'Disabled.', schema: lobSchema, etag: true },
    errors: [404, 409, 412, 428],
    handle: async ({ caller, params, ifMatch, deps }) => {
      const before = await requireLob(deps, params.lob);
      requireVersion(before.version, ifMatch, `Line of business ${params.lob}`);
      if (enabled) await requireWorkingConnection(deps, before, caller.actor);
      const saved = await setLobEnabled(deps, caller.actor, params.lob, enabled, ifMatch);
      invalidateLobCache();
      return withVersion(saved);
    },
  });

export const enableLobOp = switchOp(true);
export const disableLobOp = switchOp(false);

export const LOB_OPERATIONS = [listLobsOp, getLobOp, createLobOp, updateLobOp, enableLobOp, disableLobOp];
