/**
 * Machine clients in the Cognito stand-in, as Cognito does them (docs/local-stand-ins.md):
 *  - CreateUserPoolClient / DescribeUserPoolClient / DeleteUserPoolClient for app clients with a secret and
 *    the client-credentials grant, whose scopes must exist on the pool's resource server (the portal's
 *    `studio-portal` server with the scopes of lib/api/scopes.ts, which infra creates in a real pool);
 *  - the token endpoint `/oauth2/token` at the domain's root with `grant_type=client_credentials`: the
 *    client authenticates with HTTP Basic (or `client_id` + `client_secret` in the body), `scope` is a
 *    space-separated subset of its allowed scopes (absent: all of them), and the access token carries
 *    `token_use=access`, `client_id`, `scope`, `sub` = the client id and no `username` or groups.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { API_SCOPE_NAMES, fullScope } from '../../lib/api/scopes';
import { readBody, sendJson } from '../http-util';
import type { KeyRing } from './keys';
import { TOKEN_TTL_SECONDS } from './tokens';
import { CognitoApiError } from './user-store';

type Json = Record<string, unknown>;

interface MachineClient {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
  flows: string[];
  createdAt: Date;
}

/** The scopes the pool's resource servers define (the portal's one). */
const KNOWN_SCOPES = new Set(API_SCOPE_NAMES.map(fullScope));

const stores = new WeakMap<KeyRing, Map<string, MachineClient>>();

/** The app clients created through the API, per stand-in (keyed by its key ring: one per server). */
function clientsOf(keys: KeyRing): Map<string, MachineClient> {
  let store = stores.get(keys);
  if (!store) stores.set(keys, (store = new Map()));
  return store;
}

function describe(client: MachineClient, userPoolId: string): Json {
  const at = client.createdAt.getTime() / 1000;
  return {
    UserPoolId: userPoolId,
    ClientName: client.name,
    ClientId: client.clientId,
    ClientSecret: client.clientSecret,
    AllowedOAuthFlows: client.flows,
    AllowedOAuthScopes: client.scopes,
    AllowedOAuthFlowsUserPoolClient: true,
    SupportedIdentityProviders: [],
    CreationDate: at,
    LastModifiedDate: at,
  };
}

function clientIn(keys: KeyRing, clientId: unknown): MachineClient {
  const client = typeof clientId === 'string' ? clientsOf(keys).get(clientId) : undefined;
  if (!client)
    throw new CognitoApiError('ResourceNotFoundException', `User pool client ${String(clientId)} does not exist.`);
  return client;
}

/** The admin operations (SigV4-signed, pool checked by the caller), spread into the stand-in's table. */
export function machineClientOperations(
  stateOf: () => { keys: KeyRing; userPoolId: string },
): Record<string, (input: Json) => Json> {
  const state = {
    get keys() {
      return stateOf().keys;
    },
    get userPoolId() {
      return stateOf().userPoolId;
    },
  };
  return {
    CreateUserPoolClient: (input) => {
      const name = input.ClientName;
      if (typeof name !== 'string' || !/^[\w\s+=,.@-]{1,128}$/.test(name)) {
        throw new CognitoApiError(
          'InvalidParameterException',
          "1 validation error detected: Value at 'clientName' failed to satisfy constraint",
        );
      }
      const flows = Array.isArray(input.AllowedOAuthFlows) ? (input.AllowedOAuthFlows as string[]) : [];
      const scopes = Array.isArray(input.AllowedOAuthScopes) ? (input.AllowedOAuthScopes as string[]) : [];
      if (flows.includes('client_credentials') && flows.length > 1) {
        throw new CognitoApiError(
          'InvalidOAuthFlowException',
          'client_credentials flow can not be selected along with code flow or implicit flow.',
        );
      }
      if (flows.includes('client_credentials') && input.GenerateSecret !== true) {
        throw new CognitoApiError(
          'InvalidOAuthFlowException',
          'client_credentials flow can not be selected if client does not have a client secret.',
        );
      }
      if (flows.length && input.AllowedOAuthFlowsUserPoolClient !== true) {
        throw new CognitoApiError(
          'InvalidParameterException',
          'AllowedOAuthFlowsUserPoolClient must be true when OAuth flows are allowed.',
        );
      }
      const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
      if (unknown) throw new CognitoApiError('ScopeDoesNotExistException', `Invalid scope requested: ${unknown}`);
      if (flows.includes('client_credentials') && !scopes.length) {
        throw new CognitoApiError(
          'InvalidOAuthFlowException',
          'At least one custom scope is required for the client_credentials flow.',
        );
      }
      const client: MachineClient = {
        clientId: randomBytes(13).toString('hex').slice(0, 26),
        clientSecret: input.GenerateSecret === true ? randomBytes(32).toString('base64url') : '',
        name,
        scopes,
        flows,
        createdAt: new Date(),
      };
      clientsOf(state.keys).set(client.clientId, client);
      return { UserPoolClient: describe(client, state.userPoolId) };
    },
    DescribeUserPoolClient: (input) => ({
      UserPoolClient: describe(clientIn(state.keys, input.ClientId), state.userPoolId),
    }),
    DeleteUserPoolClient: (input) => {
      clientsOf(state.keys).delete(clientIn(state.keys, input.ClientId).clientId);
      return {};
    },
  };
}

function tokenError(res: ServerResponse, status: number, error: string, description?: string): void {
  sendJson(
    res,
    status,
    { error, ...(description ? { error_description: description } : {}) },
    status === 401 ? { 'www-authenticate': 'Basic' } : {},
  );
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Basic base64(urlencoded id : urlencoded secret)` (RFC 6749 §2.3.1), else the body's pair. */
function credentialsOf(req: IncomingMessage, form: URLSearchParams): { id: string; secret: string } | undefined {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id && secret ? { id, secret } : undefined;
}

/** POST /oauth2/token with `grant_type=client_credentials`. */
export async function clientCredentialsToken(
  req: IncomingMessage,
  res: ServerResponse,
  keys: KeyRing,
  issuer: string,
): Promise<void> {
  if (req.method !== 'POST') return tokenError(res, 405, 'invalid_request', 'Use POST.');
  if (!/^application\/x-www-form-urlencoded\b/i.test(String(req.headers['content-type'] ?? ''))) {
    return tokenError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') return tokenError(res, 400, 'unsupported_grant_type');
  const credentials = credentialsOf(req, form);
  const client = credentials ? clientsOf(keys).get(credentials.id) : undefined;
  if (!credentials || !client || !client.clientSecret || !sameSecret(credentials.secret, client.clientSecret)) {
    return tokenError(res, 401, 'invalid_client');
  }
  if (!client.flows.includes('client_credentials')) return tokenError(res, 400, 'unauthorized_client');
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((s) => !client.scopes.includes(s))) return tokenError(res, 400, 'invalid_scope');
  const scopes = requested.length ? requested : client.scopes;
  const iat = Math.floor(Date.now() / 1000);
  const key = keys.current;
  const token = await new SignJWT({
    sub: client.clientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: iat,
    iss: issuer,
    exp: iat + TOKEN_TTL_SECONDS,
    iat,
    version: 2,
    jti: randomUUID(),
    client_id: client.clientId,
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
  sendJson(
    res,
    200,
    { access_token: token, expires_in: TOKEN_TTL_SECONDS, token_type: 'Bearer' },
    { 'cache-control': 'no-store' },
  );
}
