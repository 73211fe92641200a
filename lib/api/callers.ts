/**
 * Who calls /api/v1: a person with their Cognito access token (checked as the launch API does: verified, the
 * user still let in by the pool, the token not revoked, and their groups the pool's current ones, never the
 * token's claim; rights as in the console: platform admin, owner of some LOBs), or a machine client
 * (client-credentials token of an app client a platform admin registered: its scopes, its LOBs, audited
 * under its name).
 */
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { AdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { createJwksCache } from '@/lib/auth/jwks';
import { consoleAccessOf, type ConsoleAccess } from '@/lib/auth/roles';
import { apiCaller, sessionUserOf } from '@/lib/auth/api-caller';
import { parseBearer, translateJwtError, verifierOf } from '@/lib/auth/tokens';
import { getConfig } from '@/lib/config';
import { getApiClient, type ApiClientRecord } from '@/lib/directory/api-records';
import { PortalError } from '@/lib/errors';
import { portalScopesOf, type ApiScope } from './scopes';
import type { Grantor } from '@/lib/admin/grants';

export interface ApiCaller {
  kind: 'person' | 'client';
  /** The name changes are audited under: the username, or `client@<name>` for a machine client. */
  actor: string;
  /** The console's reach: a person's from their groups and LOB ownership; a client's from its registration. */
  access: ConsoleAccess;
  /** A client's granted scopes (token scopes it is registered for); people are not limited by scopes. */
  scopes?: ReadonlySet<ApiScope>;
  client?: ApiClientRecord;
}

/**
 * The caller as a grantor (lib/admin/grants.ts): a person with their console rights; a machine client is
 * never a platform admin there, so its grants are capped at the LOB's maximum like an owner's.
 */
export function grantorOf(caller: ApiCaller): Grantor {
  return { username: caller.actor, platformAdmin: caller.kind === 'person' && caller.access.platformAdmin };
}

/** The audit name of a machine client: `@` never occurs in a username (the profile-name rule) and AWS accepts it in a source identity. */
export const clientActor = (name: string) => `client@${name}`;

function invalid(message: string): PortalError {
  return new PortalError('auth.invalid_token', message);
}

let machineVerifier: ReturnType<typeof verifierOf> | undefined;

/** Client-credentials access tokens: Cognito's issuer and keys, `token_use=access`, a `client_id`, no `username`. */
function getMachineVerifier() {
  machineVerifier ??= verifierOf(getConfig(), createJwksCache(), null, (payload: JwtPayload) => {
    if (payload.token_use !== 'access') throw invalid('Only access tokens are accepted (this is not an access token).');
    if (typeof payload.client_id !== 'string' || payload.client_id === '') throw invalid('The token has no client_id.');
    if (payload.username !== undefined) throw invalid('A user token must come from an allowed client.');
  });
  return machineVerifier;
}

async function personCaller(deps: AdminDeps, token: string): Promise<ApiCaller> {
  // Groups from the identity re-check (lib/auth/identity-check.ts), as the console's session has them.
  const identity = await apiCaller(token);
  const user = sessionUserOf(identity);
  return {
    kind: 'person',
    actor: identity.username,
    access: consoleAccessOf(user, await listLobs(deps), getConfig().adminGroup),
  };
}

async function machineCaller(deps: AdminDeps, token: string): Promise<ApiCaller> {
  let payload: JwtPayload;
  try {
    payload = await getMachineVerifier().verify(token);
  } catch (error) {
    throw translateJwtError(error);
  }
  const client = await getApiClient(deps, String(payload.client_id));
  if (!client) throw invalid('The token was issued for a client that is not registered with the portal.');
  const registered = new Set(portalScopesOf(client.scopes.join(' ')));
  const scopes = new Set(portalScopesOf(payload.scope).filter((s) => registered.has(s)));
  const actor = clientActor(client.name);
  const lobs = client.allLobs ? (await listLobs(deps)).map((l) => l.lob).sort() : [...client.lobs].sort();
  return {
    kind: 'client',
    actor,
    scopes,
    client,
    access: { user: { username: actor, groups: [] }, platformAdmin: client.allLobs, lobs },
  };
}

/** The caller of a request from its `Authorization: Bearer` token; 401 (auth.invalid_token) when there is none or it is bad. */
export async function authenticate(deps: AdminDeps, authorization: string | null): Promise<ApiCaller> {
  const token = parseBearer(authorization);
  let claims;
  try {
    // Only to choose the verifier: both kinds are fully verified before anything is trusted.
    claims = decomposeUnverifiedJwt(token).payload;
  } catch {
    throw invalid('The token is malformed.');
  }
  return typeof claims.username === 'string' ? personCaller(deps, token) : machineCaller(deps, token);
}
