import { getConfig, type PortalConfig } from '@/lib/config';
import { log } from '@/lib/log';
import { PortalError } from '@/lib/errors';

/** Where the portal shows "You have signed out"; the IdP sends the browser back here. */
export const SIGNED_OUT_PATH = '/signin?signedOut=1';

/** Discovery must answer quickly: the first page render after start waits on it once. */
const DISCOVERY_TIMEOUT_MS = 3_000;
/** A failed discovery is retried after this long (until then sign-out ends the portal session only). */
const DISCOVERY_RETRY_MS = 60_000;

/**
 * The IdP's logout endpoint and the parameters it speaks:
 * - `cognito`: Cognito's hosted-UI `/logout?client_id=…&logout_uri=…` (COGNITO_LOGOUT_URL);
 * - `oidc`: OpenID Connect RP-Initiated Logout `?client_id=…&post_logout_redirect_uri=…`
 *   (end_session_endpoint from the issuer's discovery document).
 */
export interface IdpLogoutEndpoint {
  url: string;
  style: 'cognito' | 'oidc';
}

/** The portal URL the IdP returns to after its sign-out (must be an allowed sign-out URL of the app client). */
export function signedOutUrl(config: Pick<PortalConfig, 'nextAuthUrl'>): string {
  // Relative to NEXTAUTH_URL as a folder, so a base path (an API stage such as /prod) is kept.
  const base = config.nextAuthUrl.endsWith('/') ? config.nextAuthUrl : `${config.nextAuthUrl}/`;
  return new URL(SIGNED_OUT_PATH.slice(1), base).href;
}

/**
 * The URL that ends the IdP's session (so the next sign-in asks for credentials again instead of
 * signing in silently), or undefined where there is no IdP session to end: password mode signs in
 * through InitiateAuth, which starts none. `client_id` rather than `id_token_hint`: Cognito wants
 * it, OIDC allows it, and the session cookie need not carry the ID token.
 */
export function buildIdpLogoutUrl(
  config: Pick<PortalConfig, 'authMode' | 'nextAuthUrl'> & { cognito: Pick<PortalConfig['cognito'], 'clientId'> },
  endpoint: IdpLogoutEndpoint | undefined,
): string | undefined {
  if (config.authMode !== 'hosted-ui' || !endpoint) return undefined;
  const url = new URL(endpoint.url);
  url.searchParams.set('client_id', config.cognito.clientId);
  url.searchParams.set(endpoint.style === 'cognito' ? 'logout_uri' : 'post_logout_redirect_uri', signedOutUrl(config));
  return url.href;
}

/** `end_session_endpoint` from `<issuer>/.well-known/openid-configuration`, or undefined when it has none. */
export async function discoverEndSessionEndpoint(
  issuer: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string | undefined> {
  const res = await fetchImpl(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
  });
  if (!res.ok) throw new PortalError('idp.unavailable', `OIDC discovery failed with HTTP ${res.status}.`);
  const doc = (await res.json()) as { end_session_endpoint?: unknown };
  const endpoint = doc.end_session_endpoint;
  return typeof endpoint === 'string' && URL.canParse(endpoint) ? endpoint : undefined;
}

/** Where the logout endpoint comes from: configuration first, else the issuer's discovery document. */
export async function resolveIdpLogoutEndpoint(
  config: Pick<PortalConfig, 'authMode'> & { cognito: Pick<PortalConfig['cognito'], 'issuer' | 'logoutUrl'> },
  fetchImpl: typeof fetch = fetch,
): Promise<IdpLogoutEndpoint | undefined> {
  if (config.authMode !== 'hosted-ui') return undefined;
  if (config.cognito.logoutUrl) return { url: config.cognito.logoutUrl, style: 'cognito' };
  const discovered = await discoverEndSessionEndpoint(config.cognito.issuer, fetchImpl);
  return discovered ? { url: discovered, style: 'oidc' } : undefined;
}

let cached: { until: number; url: Promise<string | undefined> } | undefined;

/**
 * The process's IdP logout URL (see buildIdpLogoutUrl), resolved once. If discovery fails, sign-out
 * ends the portal session only and discovery is tried again a minute later; it never fails a page.
 */
export function getIdpLogoutUrl(): Promise<string | undefined> {
  if (cached && Date.now() < cached.until) return cached.url;
  const config = getConfig();
  const entry = {
    until: Number.POSITIVE_INFINITY,
    url: resolveIdpLogoutEndpoint(config).then(
      (endpoint) => {
        if (!endpoint && config.authMode === 'hosted-ui') {
          log.warn('auth.idp_logout_unavailable', {
            reason: 'no COGNITO_LOGOUT_URL and no end_session_endpoint in discovery',
          });
        }
        return buildIdpLogoutUrl(config, endpoint);
      },
      (error: unknown) => {
        entry.until = Date.now() + DISCOVERY_RETRY_MS;
        log.warn('auth.idp_logout_unavailable', { reason: 'discovery failed', error });
        return undefined;
      },
    ),
  };
  cached = entry;
  return entry.url;
}
