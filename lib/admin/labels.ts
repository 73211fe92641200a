import type { ErrorCode } from '@/lib/errors';
/**
 * Words for people in place of the codes the store keeps: Cognito account states, audit actions and
 * launch outcomes, and an admin change's before/after as a list of what changed.
 */

const ACCOUNT_STATUS: Record<string, string> = {
  CONFIRMED: 'Active',
  FORCE_CHANGE_PASSWORD: 'Must change password',
  RESET_REQUIRED: 'Must reset password',
  UNCONFIRMED: 'Not confirmed',
  EXTERNAL_PROVIDER: 'Signs in through the IdP',
  COMPROMISED: 'Blocked (compromised password)',
  ARCHIVED: 'Archived',
  UNKNOWN: 'Unknown',
};

/** A Cognito user status (CONFIRMED, FORCE_CHANGE_PASSWORD, ...) as a short phrase. */
export function accountStatusLabel(status: string | undefined): string {
  if (!status) return '';
  return ACCOUNT_STATUS[status] ?? status.toLowerCase().replace(/_/g, ' ');
}

const AUDIT_ACTIONS: Record<string, string> = {
  'lob.create': 'Line of business created',
  'lob.update': 'Line of business changed',
  'lob.enable': 'Line of business enabled',
  'lob.disable': 'Line of business disabled',
  'lob.delete': 'Line of business deleted',
  'user.lobs.create': 'Memberships given',
  'user.lobs.update': 'Memberships changed',
  'user.lobs.delete': 'Memberships removed',
  'user.lobs.import': 'Memberships imported (CSV)',
  'access.end': 'Studio access ended',
  'access.restore': 'Studio access restored',
  'grant.self_refused': 'Self-grant refused',
  'request.approval': 'Request approved (first of two)',
  'request.expire': 'Request expired (not decided in time)',
  'orphan.archive': 'Orphaned memberships archived',
  'user.sub.backfill': 'Memberships bound to the account',
  'access.emergency': 'Emergency access taken',
  'access.emergency.confirm': 'Emergency access confirmed',
  'access.emergency.reject': 'Emergency access rejected',
};

/** An audit action code (e.g. `user.lobs.import`) as a phrase; unknown codes are shown as they are. */
export function auditActionLabel(action: string | undefined): string {
  if (!action) return 'Change';
  return AUDIT_ACTIONS[action] ?? action;
}

// Every error code has a label (the compiler checks it): a new code cannot show up raw in the audit log.
const OUTCOMES: Record<ErrorCode | 'success', string> = {
  success: 'Opened',
  'auth.unauthenticated': 'Not signed in',
  'auth.invalid_token': 'Invalid token',
  'auth.forbidden': 'Not allowed',
  'auth.account_disabled': 'Account disabled',
  'auth.account_deleted': 'Account deleted',
  'auth.token_revoked': 'Token revoked',
  'user.not_mapped': 'No line of business',
  'lob.not_found': 'Unknown line of business',
  'lob.disabled': 'Line of business disabled',
  'lob.not_member': 'Not a member',
  'lob.role_denied': 'Role could not be assumed',
  'lob.presign_denied': 'SageMaker refused the role',
  'profile.not_found': 'No Studio profile',
  'aws.throttled': 'AWS busy',
  'aws.unavailable': 'AWS unreachable',
  'aws.invalid_response': 'Unexpected AWS answer',
  'idp.unavailable': 'Identity provider unreachable',
  'directory.unavailable': 'Directory unavailable',
  'jwks.unavailable': 'Signing keys unavailable',
  'input.invalid': 'Invalid request',
  'conflict.version': 'Conflicting change',
  'conflict.transaction': 'Conflicting change',
  'directory.item_invalid': 'Damaged record',
  'directory.transaction_too_large': 'Change too large',
  'config.invalid': 'Portal misconfigured',
  'lob.in_use': 'Line of business still in use',
  'lob.exists': 'Line of business exists',
  'profile.not_ready': 'Studio profile still being created',
  'profile.failed': 'Studio profile creation failed',
  'membership.expired': 'Membership ended',
  'request.already_decided': 'Request already decided',
  'request.duplicate': 'Request already pending',
  'request.self_approval': 'Own request',
  'request.rate_limited': 'Too many requests',
  'review.not_found': 'Unknown review',
  'review.closed': 'Review finished',
  'review.already_decided': 'Already decided',
  'access.stop_pending': 'Studio apps not all stopped yet',
  'app.not_found': 'App not running',
  'app.not_yours': 'Not your app',
  'grant.self': 'Self-grant refused',
  'grant.beyond_max': 'Grant too long',
  'request.already_approved_by_you': 'Already approved',
  'identity.mismatch': 'Identity mismatch (orphaned access)',
  'precondition.failed': 'Changed meanwhile',
  'precondition.required': 'Version missing',
  'idempotency.mismatch': 'Key reused',
  'idempotency.in_progress': 'Still running',
  'member.not_found': 'Not a member',
  'request.not_found': 'Unknown request',
  'request.not_extendable': 'Nothing to extend',
  'api_client.not_found': 'Unknown API client',
  'emergency.not_allowed': 'Emergency access not allowed',
  'emergency.active': 'Emergency access already active',
  'emergency.has_access': 'Already has access',
  'emergency.not_found': 'Unknown emergency grant',
  'emergency.decided': 'Emergency grant already decided',
  'emergency.self_decision': 'Own emergency grant',
  internal: 'Internal error',
};

/** A launch outcome (`success` or an error code) as a phrase. */
export function outcomeLabel(outcome: string | undefined): string {
  if (!outcome) return 'Unknown';
  return (OUTCOMES as Record<string, string>)[outcome] ?? outcome;
}

const FIELD_LABELS: Record<string, string> = {
  lobs: 'Lines of business',
  displayName: 'Display name',
  accountId: 'Account',
  domainId: 'Domain',
  region: 'Region',
  roleName: 'Generator role',
  groups: 'IdP groups',
  defaultApp: 'Default app',
  allowedApps: 'Allowed apps',
  sessionDurationSeconds: 'Session length (s)',
  urlExpiresSeconds: 'URL expiry (s)',
  autoCreateProfile: 'Auto-create profiles',
  enabled: 'Enabled',
  version: 'Version',
};

/** One changed field of an admin change, values already as text ("—" for none). */
export interface FieldChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.map(show).join(', ') : 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The fields that differ between an audit entry's `before` and `after` (JSON strings as stored), in a
 * stable order; bookkeeping fields (who/when) are left out. A creation or deletion lists every field.
 */
export function describeChange(before: string | undefined, after: string | undefined): FieldChange[] {
  const b = asRecord(parseJson(before));
  const a = asRecord(parseJson(after));
  const skip = new Set(['updatedAt', 'updatedBy', 'createdAt', 'lob', 'username', 'kind']);
  const keys = [...new Set([...Object.keys(FIELD_LABELS), ...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => !skip.has(k),
  );
  const changes: FieldChange[] = [];
  for (const field of keys) {
    if (!(field in a) && !(field in b)) continue;
    const from = show(b[field]);
    const to = show(a[field]);
    if (from === to) continue;
    changes.push({ field, label: FIELD_LABELS[field] ?? field, before: from, after: to });
  }
  return changes;
}
