/**
 * Cognito user pool stand-in: one HTTP server answering
 *  - Cognito's JSON API on POST / (InitiateAuth, Admin*),
 *  - OIDC under /<userPoolId> (discovery, authorize + login page, token, userinfo, logout, JWKS).
 * Tokens from both halves are signed by the same KeyRing and carry the same issuer.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import { jwtVerify, createLocalJWKSet } from 'jose';
import type { Knobs } from '../knobs';
import {
  createAsyncServer,
  hostForUrl,
  makeListenable,
  readBody,
  sendAwsJsonError,
  sendHtml,
  sendJson,
  statusForFault,
} from '../http-util';
import { KeyRing } from './keys';
import { UserStore, CognitoApiError, type NewUser } from './user-store';
import { CognitoApi, TARGET_PREFIX } from './api';
import { TokenRevocations } from './revocation';
import { clientCredentialsToken } from './machine-clients';
import { buildOidcProvider, renderLoginPage, OIDC_ROUTES } from './oidc';
import type { SigningCredentials } from '../sigv4';
import type { DemoAppClient } from '../demo-data';
import type { CognitoMfa, MfaConfiguration } from './mfa';

export interface CognitoOptions {
  userPoolId: string;
  clients: DemoAppClient[];
  adminKeys: SigningCredentials[];
  /** Public base URL (scheme://host:port) when it differs from the bind address; default from the bind address. */
  publicUrl?: string;
  /** Host for the default public URL (already bracketed for IPv6). */
  publicHost?: string;
  /** The user pool's MFA configuration (default OPTIONAL, as the demo pool's). */
  mfaConfiguration?: MfaConfiguration;
}

export interface CognitoStandIn {
  server: Server;
  users: UserStore;
  keys: KeyRing;
  /** TOTP MFA: the pool's configuration and the users' software tokens. */
  mfa: CognitoMfa;
  /** Listens and builds the OIDC provider for the resulting issuer. */
  listen(port: number, host: string): Promise<{ url: string; issuer: string }>;
  issuer(): string;
  rotateKeys(retireOld: boolean): Promise<{ kid: string }>;
  bulkCreateUsers(users: NewUser[]): number;
}

export async function createCognitoServer(knobs: Knobs, opts: CognitoOptions): Promise<CognitoStandIn> {
  const users = new UserStore();
  const keys = await KeyRing.create();
  const mountPath = `/${opts.userPoolId}`;
  const cookieKeys = [randomBytes(32).toString('base64url')];
  let issuer = '';
  let provider: Provider | undefined;
  let providerCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const revocations = new TokenRevocations();

  const rebuildProvider = () => {
    provider = buildOidcProvider(keys, users, { issuer, mountPath, clients: opts.clients, cookieKeys, revocations });
    providerCallback = provider.callback();
  };

  const api = new CognitoApi({
    users,
    keys,
    userPoolId: opts.userPoolId,
    clients: opts.clients,
    adminKeys: opts.adminKeys,
    issuer: () => issuer,
    revocations,
    findHostedRefreshToken: async (token) => {
      const found = provider ? await provider.RefreshToken.find(token) : undefined;
      if (!found?.grantId || !found.clientId || !found.accountId) return undefined;
      return { originJti: found.grantId, clientId: found.clientId, sub: found.accountId };
    },
    mfaConfiguration: opts.mfaConfiguration,
  });

  const jsonApi = async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    knobs.count('cognito', operation || 'unknown');
    await knobs.delay('cognito');
    const body = await readBody(req);
    const fault = knobs.takeFault('cognito', operation);
    if (fault) return sendAwsJsonError(res, statusForFault(fault), fault, `Injected fault: ${fault}`);
    if (!operation) return sendAwsJsonError(res, 400, 'UnknownOperationException', 'Missing or unknown X-Amz-Target');
    try {
      const result = await api.handle(req, body, operation);
      sendJson(res, 200, result, { 'content-type': 'application/x-amz-json-1.1' });
    } catch (error) {
      if (error instanceof CognitoApiError) return sendAwsJsonError(res, error.status, error.name, error.message);
      throw error;
    }
  };

  const jwks = async (res: ServerResponse) => {
    const fault = await knobs.intercept('cognito', 'jwks');
    if (fault)
      return sendJson(res, statusForFault(fault) === 400 ? 503 : statusForFault(fault), {
        message: `Injected fault: ${fault}`,
      });
    sendJson(res, 200, keys.publicJwks(), { 'cache-control': 'max-age=60' });
  };

  // Cognito's userInfo accepts any access token of the pool (hosted UI or InitiateAuth).
  const userInfo = async (req: IncomingMessage, res: ServerResponse) => {
    const header = String(req.headers.authorization ?? '');
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const fail = (description: string) =>
      sendJson(
        res,
        401,
        { error: 'invalid_token', error_description: description },
        {
          'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
        },
      );
    if (!token) return fail('Access token is missing');
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(keys.publicJwks() as never), { issuer });
      if (payload.token_use !== 'access') return fail('Access token is not an access token');
      if (revocations.isRevoked(payload.origin_jti)) return fail('Access token has been revoked');
      const user = users.getBySub(String(payload.sub));
      if (!user || !user.enabled) return fail('Access token does not have required scopes');
      sendJson(res, 200, {
        sub: user.sub,
        email_verified: String(user.emailVerified),
        email: user.email,
        username: user.username,
      });
    } catch {
      fail('Invalid access token');
    }
  };

  // Login interactions whose password was right and which wait for the TOTP code: interaction uid -> user sub.
  const awaitingCode = new Map<string, string>();

  const interaction = async (req: IncomingMessage, res: ServerResponse, rest: string) => {
    const details = await provider!.interactionDetails(req, res);
    const action = `${mountPath}/interaction/${details.uid}`;
    const clientName = opts.clients.find((c) => c.clientId === details.params.client_id)?.name;
    if (details.prompt.name !== 'login') {
      // Grants are created without a consent screen (loadExistingGrant), so only login is expected here.
      return provider!.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    }
    if (req.method === 'GET' && rest === '') {
      return sendHtml(res, 200, renderLoginPage(action, { clientName }));
    }
    if (req.method === 'POST' && rest === '') {
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const waiting = awaitingCode.get(details.uid);
      if (waiting) {
        awaitingCode.delete(details.uid);
        const mfaUser = users.getBySub(waiting);
        if (!mfaUser || !api.mfa.checkCode(mfaUser, form.get('code') ?? '')) {
          return sendHtml(res, 200, renderLoginPage(action, { error: 'Incorrect code. Sign in again.', clientName }));
        }
        const login = { accountId: mfaUser.sub, remember: false, amr: ['pwd', 'otp', 'mfa'] };
        return provider!.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      }
      const username = (form.get('username') ?? '').trim();
      const password = form.get('password') ?? '';
      const user = username ? users.resolve(username) : undefined;
      if (!user || !password || !users.checkPassword(user, password)) {
        return sendHtml(
          res,
          200,
          renderLoginPage(action, { error: 'Incorrect username or password.', username, clientName }),
        );
      }
      if (!user.enabled) {
        return sendHtml(res, 200, renderLoginPage(action, { error: 'User is disabled.', username, clientName }));
      }
      if (api.mfa.hasTotp(user)) {
        awaitingCode.set(details.uid, user.sub);
        return sendHtml(res, 200, renderLoginPage(action, { clientName, codeStep: true }));
      }
      // amr as Cognito's ACR/AMR claims report it: the password alone.
      return provider!.interactionFinished(
        req,
        res,
        { login: { accountId: user.sub, remember: false, amr: ['pwd'] } },
        { mergeWithLastSubmission: false },
      );
    }
    sendHtml(res, 405, '<h1>Method not allowed</h1>');
  };

  const server = createAsyncServer(
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://cognito').pathname;
      if (req.method === 'POST' && path === '/') return jsonApi(req, res);
      if (path === '/oauth2/token') return clientCredentialsToken(req, res, keys, issuer);
      if (path === '/health') return sendJson(res, 200, { ok: true });
      if (path === mountPath + OIDC_ROUTES.jwks) return jwks(res);
      if (!path.startsWith(mountPath + '/') || !providerCallback) return sendJson(res, 404, { message: 'Not found' });
      const sub = path.slice(mountPath.length);
      if (sub === OIDC_ROUTES.userinfo) {
        knobs.count('cognito', 'userinfo');
        await knobs.delay('cognito');
        return userInfo(req, res);
      }
      const interactionMatch = /^\/interaction\/([\w-]+)(\/.*)?$/.exec(sub);
      if (interactionMatch) {
        knobs.count('cognito', 'login');
        await knobs.delay('cognito');
        return interaction(req, res, interactionMatch[2] ?? '');
      }
      const operation =
        sub === '/.well-known/openid-configuration'
          ? 'discovery'
          : (Object.entries(OIDC_ROUTES).find(([, route]) => sub === route || sub.startsWith(`${route}/`))?.[0] ??
            'oidc');
      const fault = await knobs.intercept('cognito', operation);
      if (fault)
        return sendJson(res, statusForFault(fault), {
          error: 'server_error',
          error_description: `Injected fault: ${fault}`,
        });
      // Mounted like Express does it: oidc-provider derives its mount path from originalUrl.
      req.url = cognitoLogoutToOidc((req.url ?? '/').slice(mountPath.length) || '/');
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = mountPath + req.url;
      providerCallback(req, res);
    },
    (res, error) => {
      if (error instanceof CognitoApiError) return sendAwsJsonError(res, error.status, error.name, error.message);
      sendJson(res, 500, {
        __type: 'InternalErrorException',
        message: error instanceof Error ? error.message : String(error),
      });
    },
  );

  return {
    ...makeListenable(server, (actual, host) => {
      const base =
        opts.publicUrl ??
        `http://${opts.publicHost ?? hostForUrl(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${actual}`;
      issuer = `${base.replace(/\/$/, '')}${mountPath}`;
      rebuildProvider();
      return { url: base.replace(/\/$/, ''), issuer };
    }),
    users,
    keys,
    mfa: api.mfa,
    issuer: () => issuer,
    async rotateKeys(retireOld) {
      const key = await keys.rotate(retireOld);
      if (issuer) rebuildProvider();
      return { kid: key.kid };
    },
    bulkCreateUsers: (list) => users.bulkCreate(list),
  };
}

/**
 * Cognito's `/logout?client_id=…&logout_uri=…` in the OIDC form oidc-provider serves
 * (`post_logout_redirect_uri`), so a portal configured for real Cognito signs out here the same way.
 */
function cognitoLogoutToOidc(url: string): string {
  if (!url.startsWith(`${OIDC_ROUTES.end_session}?`)) return url;
  const parsed = new URL(url, 'http://stand-in');
  const logoutUri = parsed.searchParams.get('logout_uri');
  if (!logoutUri || parsed.searchParams.has('post_logout_redirect_uri')) return url;
  parsed.searchParams.delete('logout_uri');
  parsed.searchParams.set('post_logout_redirect_uri', logoutUri);
  return `${parsed.pathname}${parsed.search}`;
}
