/**
 * The /api/v1 resource server and its scopes (plain data: infra creates them in the user pool, the Cognito
 * stand-in knows them, the API checks them, the console offers them when registering a machine client).
 */
export const RESOURCE_SERVER_ID = 'studio-portal';
export const RESOURCE_SERVER_NAME = 'Studio Portal API';

export const API_SCOPES = {
  'lobs.read': 'Read lines of business.',
  'lobs.write': 'Create, edit, enable and disable lines of business (needs every LOB).',
  'members.read': 'List the members of lines of business.',
  'members.write': 'Add members, change their end dates, remove them.',
  'requests.read': 'Read access requests.',
  'requests.write': 'Create and withdraw access requests, take emergency access (people only: one asks for oneself).',
  'requests.decide': 'Approve and deny access requests.',
  'emergency.read': 'List open emergency (break-glass) grants of lines of business.',
  'emergency.decide': "Confirm or reject emergency grants (never one's own).",
  'reviews.read': 'Read access reviews and their rows, export them.',
  'reviews.write': 'Start access reviews, decide rows, finish them.',
  'audit.read': 'Query the audit log.',
  'usage.read': 'Read the usage report.',
} as const;

export type ApiScope = keyof typeof API_SCOPES;

export const API_SCOPE_NAMES = Object.keys(API_SCOPES) as ApiScope[];

/** `members.write` -> `studio-portal/members.write` (how Cognito names it in tokens and app clients). */
export const fullScope = (scope: ApiScope): string => `${RESOURCE_SERVER_ID}/${scope}`;

/** The portal scopes in a token's `scope` claim (others, e.g. `openid`, are ignored). */
export function portalScopesOf(claim: unknown): ApiScope[] {
  if (typeof claim !== 'string') return [];
  const prefix = `${RESOURCE_SERVER_ID}/`;
  return claim
    .split(' ')
    .filter((s) => s.startsWith(prefix))
    .map((s) => s.slice(prefix.length))
    .filter((s): s is ApiScope => s in API_SCOPES);
}
