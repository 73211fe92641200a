/** /api/v1 access reviews: list and start per LOB, get with rows, decide, finish, export (the LOB's owners, platform admins). */
import { z } from 'zod';
import type { AdminDeps } from '@/lib/admin/deps';
import { nowOf } from '@/lib/admin/deps';
import { requireLob } from '@/lib/admin/lobs';
import { parseUntil } from '@/lib/admin/members';
import { decideMember, finishReview, getReview, listReviewRows, startReview } from '@/lib/admin/reviews';
import { queryLobReviews } from '@/lib/directory/reviews';
import { reviewCsvChunks, reviewCsvName } from '@/lib/admin/review-export';
import { usernameSchema } from '@/lib/admin/validation';
import { PortalError } from '@/lib/errors';
import { grantorOf, type ApiCaller } from '../callers';
import { managersOf, requireStored } from '../authorize';
import { operationsOf } from '../operation';
import { decisionStamp, lobParam, pageOf, pageQuery, untilDay } from '../schemas';

const op = operationsOf('Access reviews', { read: 'reviews.read', write: 'reviews.write' });

const reviewSchema = z
  .object({
    id: z.string(),
    lob: z.string(),
    status: z.enum(['open', 'finished']),
    createdAt: z.string(),
    createdBy: z.string(),
    dueAt: z.string(),
    reviewers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }),
    groups: z.array(z.string()),
    total: z.number().int(),
    decided: z.number().int(),
    finishedAt: z.string().optional(),
    finishedBy: z.string().optional(),
    removedUndecided: z.number().int().optional(),
  })
  .meta({ id: 'Review' });

const reviewRowSchema = z
  .object({
    username: z.string(),
    until: z.string().optional(),
    decision: z.enum(['keep', 'remove']).optional(),
    ...decisionStamp,
    comment: z.string().optional(),
    newUntil: z.string().optional(),
    lastUsed: z.string().nullable().optional(),
  })
  .meta({ id: 'ReviewRow' });

const idParam = z.object({ id: z.uuid().meta({ description: 'The review id.' }) });

/** The stored review and the caller's right to it (its LOB, never one the caller names); 404 only for who sees every LOB. */
async function storedReview(deps: AdminDeps, caller: ApiCaller, id: string, what: string) {
  return requireStored(caller, what, await getReview(deps, id), () => new PortalError('review.not_found'));
}

export const listReviewsOp = op('get /lobs/{lob}/reviews', 'listReviews', {
  summary: 'The reviews of a LOB, newest first',
  ...managersOf(lobParam, 'review.list'),
  query: pageQuery(100, 20).omit({ next: true }),
  success: { status: 200, description: 'The newest reviews.', schema: pageOf(reviewSchema, 'ReviewPage') },
  handle: async ({ params, query, deps }) => {
    return { body: { items: await queryLobReviews(deps, params.lob, query.limit) } };
  },
});

export const startReviewOp = op('post /lobs/{lob}/reviews', 'startReview', {
  summary: 'Start a review of a LOB’s members (a snapshot)',
  ...managersOf(lobParam, 'review.start'),
  body: z
    .object({ dueDays: z.number().int().min(1).max(90).optional() })
    .strict()
    .meta({ id: 'NewReview' }),
  idempotent: true,
  success: { status: 201, description: 'Started.', schema: reviewSchema },
  errors: [404, 409, 422],
  handle: async ({ caller, params, body, deps }) => {
    const review = await startReview(deps, {
      actor: caller.actor,
      lob: await requireLob(deps, params.lob),
      dueDays: body.dueDays,
    });
    return { body: review, location: `/api/v1/reviews/${review.id}` };
  },
});

export const getReviewOp = op('get /reviews/{id}', 'getReview', {
  summary: 'A review with a page of its rows',
  params: idParam,
  query: pageQuery(1000).extend({
    filter: z.enum(['all', 'undecided', 'unused']).default('all'),
    search: z.string().max(128).optional().meta({ description: 'Username prefix.' }),
  }),
  success: {
    status: 200,
    description: 'The review and its rows (`rows.next` pages them).',
    schema: z
      .object({ review: reviewSchema, rows: pageOf(reviewRowSchema, 'ReviewRowPage') })
      .meta({ id: 'ReviewWithRows' }),
  },
  errors: [404],
  handle: async ({ caller, params, query, deps }) => {
    const review = await storedReview(deps, caller, params.id, 'review.get');
    const page = await listReviewRows(deps, review, {
      limit: query.limit,
      pageToken: query.next,
      filter: query.filter,
      prefix: query.search,
    });
    return { body: { review, rows: { items: page.rows, ...(page.nextToken ? { next: page.nextToken } : {}) } } };
  },
});

export const decideReviewRowOp = op('post /reviews/{id}/decisions', 'decideReviewRow', {
  summary: 'Keep (optionally with a new end date) or remove one member',
  params: idParam,
  body: z
    .object({
      username: usernameSchema,
      decision: z.enum(['keep', 'remove']),
      until: untilDay,
      comment: z.string().optional(),
    })
    .strict()
    .meta({ id: 'ReviewDecision' }),
  success: { status: 200, description: 'Decided.', schema: reviewRowSchema },
  errors: [404, 409],
  handle: async ({ caller, params, body, deps }) => {
    const review = await storedReview(deps, caller, params.id, 'review.decide');
    const until = body.decision === 'keep' ? parseUntil(body.until ?? '', nowOf(deps)) : undefined;
    return {
      body: await decideMember(deps, {
        grantor: grantorOf(caller),
        review,
        username: body.username,
        decision: body.decision,
        comment: body.comment,
        until,
      }),
    };
  },
});

export const finishReviewOp = op('post /reviews/{id}/finish', 'finishReview', {
  summary: 'Finish a review (read-only afterwards)',
  params: idParam,
  success: { status: 200, description: 'Finished.', schema: reviewSchema },
  errors: [404, 409],
  handle: async ({ caller, params, deps }) => {
    const review = await storedReview(deps, caller, params.id, 'review.finish');
    return { body: await finishReview(deps, caller.actor, review) };
  },
});

export const exportReviewOp = op('get /reviews/{id}/export', 'exportReview', {
  summary: 'The review’s evidence as CSV (the console’s export)',
  params: idParam,
  success: {
    status: 200,
    description: 'CSV, one row per snapshot member.',
    schema: z.string(),
    contentType: 'text/csv',
  },
  errors: [404],
  handle: async ({ caller, params, deps }) => {
    const review = await storedReview(deps, caller, params.id, 'review.export');
    let text = '';
    for await (const chunk of reviewCsvChunks(deps, review)) text += chunk;
    return { text, filename: reviewCsvName(review) };
  },
});

export const REVIEW_OPERATIONS = [
  listReviewsOp,
  startReviewOp,
  getReviewOp,
  decideReviewRowOp,
  finishReviewOp,
  exportReviewOp,
];
