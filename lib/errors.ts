/** Stable error codes shared by the portal, the API and the admin console (docs/contracts.md). */
export const ERROR_STATUS = {
  'auth.unauthenticated': 401,
  'auth.invalid_token': 401,
  'auth.forbidden': 403,
  // Access ends when it is taken away (issue 22)
  'auth.account_disabled': 401,
  'auth.account_deleted': 401,
  'auth.token_revoked': 401,
  'user.not_mapped': 403,
  'lob.not_found': 404,
  'lob.disabled': 403,
  'lob.not_member': 403,
  'lob.role_denied': 502,
  'lob.in_use': 409,
  'lob.exists': 409,
  'lob.presign_denied': 502,
  'profile.not_found': 404,
  'profile.not_ready': 503,
  'profile.failed': 502,
  'aws.throttled': 503,
  'aws.unavailable': 503,
  'aws.invalid_response': 502,
  'idp.unavailable': 503,
  'directory.unavailable': 503,
  'jwks.unavailable': 503,
  'input.invalid': 400,
  'conflict.version': 409,
  'conflict.transaction': 409,
  'directory.item_invalid': 500,
  'directory.transaction_too_large': 500,
  'config.invalid': 500,
  // Access requests and expiring memberships (issue 13)
  'membership.expired': 403,
  'request.already_decided': 409,
  'request.duplicate': 409,
  'request.self_approval': 403,
  'request.rate_limited': 429,
  // Access reviews (issue 14)
  'review.not_found': 404,
  'review.closed': 409,
  'review.already_decided': 409,
  'access.stop_pending': 502,
  'app.not_found': 404,
  'app.not_yours': 403,
  // Separation of duties and identity binding (issue 23)
  'grant.self': 403,
  'grant.beyond_max': 403,
  'request.already_approved_by_you': 409,
  'identity.mismatch': 403,
  // The /api/v1 API (issue 26)
  'precondition.failed': 412,
  'precondition.required': 428,
  'idempotency.mismatch': 422,
  'idempotency.in_progress': 409,
  'member.not_found': 404,
  'request.not_found': 404,
  'request.not_extendable': 422,
  'api_client.not_found': 404,
  // Emergency (break-glass) access (issue 27, lib/access/emergency.ts)
  'emergency.not_allowed': 403,
  'emergency.active': 409,
  'emergency.has_access': 409,
  'emergency.not_found': 404,
  'emergency.decided': 409,
  'emergency.self_decision': 403,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Messages a user can act on; used when a thrower gives none. */
const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  'auth.unauthenticated': 'Sign in first.',
  'auth.invalid_token': 'The access token is missing, malformed or invalid.',
  'auth.forbidden': 'You are not allowed to do this.',
  'auth.account_disabled': 'Your account is disabled in the user pool. Ask your platform team if this is unexpected.',
  'auth.account_deleted':
    'Your account no longer exists in the user pool. Ask your platform team if this is unexpected.',
  'auth.token_revoked':
    'The access token was revoked (signed out everywhere, or its sign-in was revoked). Sign in again for a new token.',
  'user.not_mapped': 'Your account is not assigned to any line of business.',
  'lob.not_found': 'That line of business does not exist.',
  'lob.disabled': 'Studio access for this line of business is currently disabled.',
  'lob.not_member': 'You are not a member of that line of business.',
  'lob.role_denied':
    "The portal could not assume this line of business's access role (STS AssumeRole was denied). Your platform team can fix this: the role's trust policy must let the portal assume it.",
  'lob.presign_denied':
    "The line of business's access role may not create Studio URLs (SageMaker CreatePresignedDomainUrl was denied). The administrators of that line of business's AWS account can fix this: the role's permissions must allow it for this domain and user profile.",
  'lob.in_use': 'That line of business is still assigned to users.',
  'lob.exists': 'A line of business with that name already exists.',
  'profile.not_found': 'You have no SageMaker Studio user profile in this domain yet.',
  'profile.not_ready': 'Your Studio profile is still being created. Please try again in a minute.',
  'profile.failed': 'Your Studio profile could not be created.',
  'aws.throttled': 'AWS is busy right now. Please try again in a moment.',
  'aws.unavailable': 'AWS could not be reached right now. Please try again in a moment.',
  'aws.invalid_response':
    'AWS answered without what the portal needs. Please try again; if it keeps happening, tell your platform team.',
  'idp.unavailable': 'The identity provider could not be reached. Please try again shortly.',
  'directory.unavailable': 'The user directory is unavailable right now. Please try again shortly.',
  'jwks.unavailable': 'Token signing keys could not be fetched. Please try again shortly.',
  'input.invalid': 'The request is invalid.',
  'conflict.version': 'Someone else changed this item; reload and try again.',
  'conflict.transaction': 'Someone else changed this at the same moment; reload and try again.',
  'directory.item_invalid': 'A stored record is damaged; ask your platform team to check the portal logs.',
  'directory.transaction_too_large': 'This change is too large to save at once.',
  'config.invalid': 'The portal is misconfigured.',
  'membership.expired': 'Your membership of this line of business has ended. Request access again on the home page.',
  'request.already_decided': 'This request was already decided.',
  'request.duplicate': 'You already have a pending request for this line of business.',
  'request.self_approval': 'You cannot decide your own access request; another owner or a platform admin has to.',
  'request.rate_limited': 'You have filed or withdrawn too many access requests this hour. Try again next hour.',
  'review.not_found': 'There is no such access review.',
  'review.closed': 'This access review is finished and read-only.',
  'review.already_decided': 'This member was already decided in this review.',
  'access.stop_pending':
    'The change was saved, but their Studio apps could not all be stopped yet; the access sweep retries within minutes.',
  'app.not_found': 'That Studio app is not running any more (it may have been stopped already). Reload the page.',
  'app.not_yours': 'You can stop only your own Studio apps: those of your user profile and of private spaces you own.',
  'grant.self':
    'You cannot grant access to yourself. Ask another owner or a platform admin: request access on the home page.',
  'grant.beyond_max': 'This grant is longer than the line of business allows; choose an earlier end date.',
  'request.already_approved_by_you': 'You already approved this request; it needs another approver.',
  'identity.mismatch':
    'Your sign-in is not the person this access was granted to (the account was re-created with the same username). Ask a platform admin to review orphaned access in the admin console.',
  'precondition.failed': 'The item changed since you read it (If-Match does not match its ETag); read it again.',
  'precondition.required': 'Send If-Match with the ETag you read: updates are refused without it.',
  'idempotency.mismatch': 'This Idempotency-Key was used for a different request.',
  'idempotency.in_progress': 'A request with this Idempotency-Key is still running; retry in a moment.',
  'member.not_found': 'That user is not a member of this line of business.',
  'request.not_found': 'There is no such access request.',
  'api_client.not_found': 'There is no such API client.',
  'request.not_extendable':
    'You have no membership of this line of business in its last days to extend; request access instead.',
  'emergency.not_allowed': 'You may not take emergency access to this line of business.',
  'emergency.active':
    'You already have emergency access to this line of business; it extends nothing to take it again.',
  'emergency.has_access':
    'You already have access to this line of business: open Studio above, there is nothing to break into.',
  'emergency.not_found': 'There is no such emergency grant.',
  'emergency.decided': 'This emergency grant was already confirmed or rejected.',
  'emergency.self_decision':
    'You cannot confirm or reject your own emergency access; another owner or a platform admin has to.',
  internal: 'Something went wrong on our side.',
};

export interface PortalErrorOptions extends ErrorOptions {
  /** Extra, non-secret context for logs (never shown to users). */
  details?: Record<string, unknown>;
}

/** The one error family of the portal: a stable dotted code, an HTTP status and a user-facing message. */
export class PortalError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options?: PortalErrorOptions) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.name = 'PortalError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options?.details;
  }
}

/** Thrown when input (form, query, path, admin data) fails validation. */
export class InputInvalidError extends PortalError {
  constructor(message: string, options?: PortalErrorOptions) {
    super('input.invalid', message, options);
    this.name = 'InputInvalidError';
  }
}

/** Thrown when configuration is missing or invalid at start. */
export class ConfigError extends PortalError {
  constructor(message: string) {
    super('config.invalid', message);
    this.name = 'ConfigError';
  }
}

export function isPortalError(error: unknown): error is PortalError {
  return error instanceof PortalError;
}

/** Any thrown value as a PortalError; unknown failures become `internal` (cause kept for logs). */
export function toPortalError(error: unknown): PortalError {
  if (isPortalError(error)) return error;
  return new PortalError('internal', undefined, { cause: error });
}

/** JSON body used by every route for an error: `{ code, message, requestId }`. */
export function toErrorBody(error: PortalError, requestId: string) {
  return { code: error.code, message: error.message, requestId };
}
