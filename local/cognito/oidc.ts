/**
 * The hosted-UI half of the Cognito stand-in: an oidc-provider instance issuing Cognito-shaped
 * ID and access tokens (JWTs), mounted under /<userPoolId> so the issuer matches Cognito's form.
 */
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { KeyRing } from './keys';
import type { UserStore } from './user-store';
import { groupsOf } from './tokens';
import type { DemoAppClient } from '../demo-data';
import { escapeHtml } from '../http-util';
import { MemoryAdapter } from './memory-adapter';
import type { TokenRevocations } from './revocation';

/** The resource every access token is issued for, so that oidc-provider issues JWT access tokens. */
export const ACCESS_TOKEN_RESOURCE = 'urn:studio-portal:cognito-user-pool';
const RESOURCE_SCOPES = 'openid email profile aws.cognito.signin.user.admin';

export const OIDC_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userInfo',
  end_session: '/logout',
  jwks: '/.well-known/jwks.json',
  revocation: '/oauth2/revoke',
} as const;

const CALLBACK_PATH = /^https?:\/\/[^/?#]+\/api\/auth\/callback\/cognito$/;
const LOOPBACK_URL = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//;

export interface OidcOptions {
  issuer: string;
  mountPath: string;
  clients: DemoAppClient[];
  cookieKeys: string[];
  /** Origins (here: grants) revoked by RevokeToken, global sign-out or AdminDisableUser. */
  revocations: TokenRevocations;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f2f3f3;margin:0}main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.6rem;margin-top:.3rem;font-size:1rem;border:1px solid #687078;border-radius:4px}
button{margin-top:1.5rem;width:100%;padding:.7rem;font-size:1rem;background:#0b5fab;color:#fff;border:0;border-radius:4px;cursor:pointer}button:focus,input:focus{outline:3px solid #f90;outline-offset:1px}
.error{color:#a4141a;background:#fde8e8;padding:.6rem;border-radius:4px;margin:0 0 1rem}.note{color:#545b64;font-size:.85rem}</style></head>
<body><main>${body}</main></body></html>`;
}

export function renderLoginPage(
  action: string,
  opts: { error?: string; username?: string; clientName?: string; codeStep?: boolean },
): string {
  const error = opts.error
    ? `<p class="error" role="alert" id="login-error" data-testid="login-error">${escapeHtml(opts.error)}</p>`
    : '';
  if (opts.codeStep) {
    // Cognito's managed login asks a user with TOTP MFA for the authenticator's code after the password.
    return page(
      'Two-step verification',
      `<h1>Enter the code from your authenticator app</h1>${error}
<form method="post" action="${escapeHtml(action)}">
<label for="code">Authentication code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required${opts.error ? ' aria-describedby="login-error"' : ''} autofocus>
<button type="submit">Verify</button>
</form>`,
    );
  }
  return page(
    'Sign in',
    `<h1>Sign in with your username and password</h1>${error}
<form method="post" action="${escapeHtml(action)}" novalidate>
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value="${escapeHtml(opts.username ?? '')}"${opts.error ? ' aria-describedby="login-error"' : ''} autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${opts.error ? ' aria-describedby="login-error"' : ''}>
<button type="submit">Sign in</button>
</form>
<p class="note">Local Cognito stand-in${opts.clientName ? ` for ${escapeHtml(opts.clientName)}` : ''} (development and tests only).</p>`,
  );
}

export function buildOidcProvider(keys: KeyRing, users: UserStore, opts: OidcOptions): Provider {
  const configuration: Configuration = {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_name: c.name,
      ...(c.clientSecret
        ? { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: ['http://localhost:3000/api/auth/callback/cognito'],
      post_logout_redirect_uris: ['http://localhost:3000/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    adapter: MemoryAdapter,
    jwks: { keys: keys.privateJwks() as never },
    cookies: { keys: opts.cookieKeys },
    routes: { ...OIDC_ROUTES },
    scopes: ['openid', 'email', 'profile', 'offline_access', 'aws.cognito.signin.user.admin'],
    claims: {
      // next-auth's Cognito provider asks only for openid: the Cognito claims ride on that scope.
      openid: ['sub', 'token_use', 'cognito:username', 'cognito:groups', 'email', 'email_verified', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['cognito:username'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => false },
    // Cognito issues a refresh token with every authorization-code sign-in (no offline_access needed).
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: () => true,
    async findAccount(_ctx: KoaContextWithOIDC, sub: string, token?: { grantId?: string }) {
      const user = users.getBySub(sub);
      if (!user || !user.enabled) return undefined;
      // A revoked origin's refresh token (or code) is refused at the token endpoint.
      if (opts.revocations.isRevoked(token?.grantId)) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            token_use: 'id',
            'cognito:username': user.username,
            'cognito:groups': groupsOf(user),
            email: user.email,
            email_verified: user.emailVerified,
          };
        },
      };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      // First-party clients: no consent screen; grant what was asked (as Cognito does).
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        // After a revocation the still-open IdP session signs in again with a new origin.
        if (existing && !opts.revocations.isRevoked(existing.jti)) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId,
      });
      const requested = String(ctx.oidc.params?.scope ?? 'openid');
      grant.addOIDCScope(requested);
      grant.addOIDCClaims(['sub', 'token_use', 'cognito:username', 'cognito:groups', 'email', 'email_verified']);
      grant.addResourceScope(ACCESS_TOKEN_RESOURCE, requested);
      await grant.save();
      return grant;
    },
    extraTokenClaims(ctx: KoaContextWithOIDC, token: { kind: string; accountId?: string; grantId?: string }) {
      if (token.kind !== 'AccessToken') return undefined;
      const user = token.accountId ? users.getBySub(token.accountId) : undefined;
      if (!user) return undefined;
      // The grant stands for Cognito's origin_jti: refreshed access tokens keep it, revocation is by it.
      if (token.grantId) opts.revocations.record(user.username, token.grantId);
      const code = ctx?.oidc?.entities?.AuthorizationCode as { authTime?: number } | undefined;
      return {
        token_use: 'access',
        username: user.username,
        'cognito:groups': groupsOf(user),
        auth_time: code?.authTime ?? Math.floor(Date.now() / 1000),
        ...(token.grantId ? { origin_jti: token.grantId } : {}),
      };
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ACCESS_TOKEN_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, _resource: string, client: { clientId: string }) => ({
          scope: RESOURCE_SCOPES,
          audience: client.clientId,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          // Cognito signs out without asking: submit the confirmation form at once.
          ctx.body = page(
            'Signing out',
            `<h1>Signing out…</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>document.querySelector('button[name=logout]').click()</script>`,
          );
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.body = page('Signed out', '<h1>You have been signed out.</h1>');
        },
      },
    },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) =>
        `${opts.mountPath}/interaction/${interaction.uid}`,
    },
    async renderError(ctx: KoaContextWithOIDC, out: Record<string, unknown>) {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<h1>Something went wrong</h1>${Object.entries(out)
          .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(String(v))}</p>`)
          .join('')}`,
      );
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 300,
      IdToken: 3600,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 30 * 24 * 3600,
    },
  };

  const provider = new Provider(opts.issuer, configuration);
  const registered = new Map(opts.clients.map((c) => [c.clientId, c]));
  // Cognito app clients list exact callback URLs; the stand-in accepts the portal's callback on any
  // host:port (tests and the simulated network use many), and loopback URLs for the CLI client.
  const base = provider.Client.prototype as unknown as {
    redirectUriAllowed(uri: string): boolean;
    postLogoutRedirectUriAllowed(uri: string): boolean;
    clientId: string;
  };
  const redirectUriAllowed = base.redirectUriAllowed;
  base.redirectUriAllowed = function allowRedirect(this: typeof base, uri: string) {
    if (redirectUriAllowed.call(this, uri) || CALLBACK_PATH.test(uri)) return true;
    return !registered.get(this.clientId)?.clientSecret && LOOPBACK_URL.test(uri);
  };
  base.postLogoutRedirectUriAllowed = (uri: string) => /^https?:\/\/[^/?#]+(\/|$)/.test(uri);
  return provider;
}
