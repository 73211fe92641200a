/** Shared pieces of the /api/v1 schemas: pages, path parameters, the LOB and member shapes. */
import { z } from 'zod';
import { STUDIO_APPS } from '@/lib/names';
import { lobInputSchema, lobNameSchema, usernameSchema } from '@/lib/admin/validation';

/** `limit` (1..max, default) and the opaque `next` token of the previous page. */
export function pageQuery(max: number, defaultLimit = 50) {
  return z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(max)
      .default(defaultLimit)
      .meta({ description: `Items per page (at most ${max}).` }),
    next: z.string().min(1).max(4000).optional().meta({ description: 'The `next` token of the previous page.' }),
  });
}

/** A page of items: `next` is present while more may follow (pass it back as `?next=`). */
export function pageOf<S extends z.ZodType>(item: S, id: string) {
  return z.object({ items: z.array(item), next: z.string().optional() }).meta({ id });
}

/** Who decided and when: an access request's decision, a review row's. */
export const decisionStamp = { decidedBy: z.string().optional(), decidedAt: z.string().optional() };

export const lobParam = z.object({ lob: lobNameSchema.meta({ description: 'The LOB key.' }) });
export const memberParams = lobParam.extend({ username: usernameSchema });

/** The end date of a membership: YYYY-MM-DD (end of that day UTC), or null for no end. */
export const untilDay = z.string().nullable().optional().meta({
  description: 'Last day of the membership, YYYY-MM-DD (UTC), or null / absent for no end.',
  example: '2027-03-31',
});

/** A LOB as stored: the editable fields (the same schema the console's form is validated with) and bookkeeping. */
export const lobSchema = z
  .object({
    ...lobInputSchema.shape,
    roleName: z.string(),
    defaultApp: z.enum(STUDIO_APPS),
    idleShutdownMinutes: z.number().int().optional(),
    version: z.number().int(),
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .meta({ id: 'Lob' });

export const memberSchema = z
  .object({
    username: z.string(),
    lob: z.string(),
    until: z.string().optional().meta({ description: 'ISO instant the membership ends; absent: no end.' }),
    via: z.enum(['admin', 'request', 'review', 'emergency']),
    grantedBy: z.string().optional(),
    grantedAt: z.string().optional(),
    version: z.number().int().meta({ description: "The user's row version (the member's ETag)." }),
  })
  .meta({ id: 'Member' });
