/**
 * Studio front door: <domainId>.studio.<region>.<suffix>/auth?token=… checks the token, the VPC-endpoint
 * path and the profile's StudioWebPortal setting, starts the landing app, sets the Studio session cookie
 * (valid for the presign's SessionExpirationDurationInSeconds) and shows a landing page naming domain,
 * account, user profile and app. Every later page needs that cookie, an unexpired session, a profile whose
 * StudioWebPortal is not DISABLED and, for an app page (/jupyterlab/<space>/…, /codeeditor/<space>/…),
 * the app InService.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { escapeHtml, sendHtml } from '../http-util';
import { appKey, DEFAULT_APP_INSTANCE_TYPE, ensureSpace } from './state';
import type { AwsState, StudioApp, StudioDomain } from './state';
import { StudioTokens, StudioTokenError } from './studio-token';

/** The Studio session cookie /auth sets (HttpOnly; its value names the session in AwsState.studioSessions). */
export const SESSION_COOKIE = 'studio-session';

export interface StudioOptions {
  suffix: string;
  /** Local socket addresses that count as "arrived through the Studio VPC endpoint"; empty = any loopback. */
  vpceAddresses: string[];
}

export function studioHostPattern(suffix: string): RegExp {
  const escaped = suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(d-[a-z0-9-]+)\\.studio\\.([a-z0-9-]+)\\.${escaped}(?::\\d+)?$`, 'i');
}

function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function arrivedThroughVpce(req: IncomingMessage, opts: StudioOptions): boolean {
  const local = normalizeAddress(req.socket.localAddress);
  if (opts.vpceAddresses.length === 0) return local === '::1' || local.startsWith('127.');
  return opts.vpceAddresses.map(normalizeAddress).includes(local);
}

/** The stand-in's pages share one small stylesheet (inline: the Studio host has no assets of its own). */
const PAGE_STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#0f1b2a;color:#fff}
main{max-width:40rem;margin:4rem auto;padding:2rem;background:#16283d;border-radius:8px}
@media (max-width:40rem){main{margin:1rem;padding:1.25rem}}
h1{font-size:1.5rem;margin:0 0 1rem}dt{font-weight:600;margin-top:.8rem;color:#9fb3c8}dd{margin:0;font-size:1.1rem}
p{line-height:1.5}.note{color:#9fb3c8;font-size:.85rem;margin-top:2rem}.error h1{color:#ffb4b4}`;

/**
 * Studio's error pages: the heading keeps Studio's exact text (tests and users search for it); the hint
 * says what to do.
 */
const STUDIO_ERRORS = {
  invalidToken: {
    message: 'Invalid or Expired Auth Token',
    hint: 'A Studio link works once and only for a short time. Go back to the portal and open Studio again for a fresh link.',
  },
  insufficientPermissions: {
    message: 'Auth token containing insufficient permissions',
    hint: 'This link only works through the Studio VPC endpoint. Open it from the corporate network (or its VPN).',
  },
  sessionEnded: {
    message: 'Your Studio session has ended',
    hint: 'Your session expired or your access was taken away. Go back to the portal and open Studio again.',
  },
  studioDisabled: {
    message: 'Studio is disabled for this user profile',
    hint: 'Your access to this Studio domain has ended. Ask for access again in the portal.',
  },
  appNotRunning: {
    message: 'This app is not running',
    hint: 'The app was stopped. Go back to the portal and open it again.',
  },
} as const;

function errorPage(kind: keyof typeof STUDIO_ERRORS): string {
  const { message, hint } = STUDIO_ERRORS[kind];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(message)}</title><style>${PAGE_STYLE}</style></head>
<body><main class="error"><h1 data-testid="studio-error">${escapeHtml(message)}</h1>
<p data-testid="studio-error-hint">${escapeHtml(hint)}</p>
<p class="note">Local Studio stand-in (development and tests only).</p>
</main></body></html>`;
}

const APP_PATHS: Record<StudioApp['appType'], string> = { JupyterLab: 'jupyterlab', CodeEditor: 'codeeditor' };

/** The page an app lives at: /jupyterlab/<space or "default">/lab, /codeeditor/<space or "default">/. */
export function appPath(app: { appType: StudioApp['appType']; spaceName?: string }): string {
  return `/${APP_PATHS[app.appType]}/${app.spaceName ?? 'default'}/${app.appType === 'JupyterLab' ? 'lab' : ''}`;
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Opening JupyterLab or Code Editor starts that app (in the profile, or in the space named by the URL), as Studio does. */
function startApp(
  state: AwsState,
  domain: StudioDomain,
  userProfile: string,
  appType: StudioApp['appType'],
  spaceName: string | undefined,
  now: Date,
): StudioApp {
  const owner = ensureSpace(domain, spaceName, userProfile, now);
  const key = appKey({ userProfile: owner, spaceName, appType });
  const current = domain.apps.get(key);
  if (current && ['InService', 'Pending'].includes(state.settleApp(current, now).status)) return current;
  const app: StudioApp = {
    userProfile: owner,
    spaceName,
    appType,
    appName: 'default',
    status: 'InService',
    createdAt: now,
    instanceType: DEFAULT_APP_INSTANCE_TYPE,
  };
  domain.apps.set(key, app);
  return app;
}

export async function handleStudio(
  state: AwsState,
  tokens: StudioTokens,
  opts: StudioOptions,
  req: IncomingMessage,
  res: ServerResponse,
  host: { domainId: string; region: string },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://studio');
  const headers = { 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
  if (url.pathname !== '/auth') return handleSessionPage(state, req, res, host, url.pathname, headers);
  const token = url.searchParams.get('token') ?? '';
  let grant;
  try {
    grant = await tokens.verify(token);
  } catch (error) {
    if (error instanceof StudioTokenError) return sendHtml(res, 403, errorPage('invalidToken'), headers);
    throw error;
  }
  const domain = state.domains.get(grant.domainId);
  if (!domain || grant.domainId !== host.domainId || grant.region !== host.region) {
    return sendHtml(res, 403, errorPage('invalidToken'), headers);
  }
  if (domain.appNetworkAccessType === 'VpcOnly' && !arrivedThroughVpce(req, opts)) {
    return sendHtml(res, 403, errorPage('insufficientPermissions'), headers);
  }
  tokens.consume(grant.jti, grant.exp);
  const profile = domain.profiles.get(grant.userProfile);
  if (!profile || profile.studioWebPortal === 'DISABLED')
    return sendHtml(res, 403, errorPage('studioDisabled'), headers);
  const now = state.now();
  const appType = grant.app === 'JupyterLab' || grant.app === 'CodeEditor' ? grant.app : undefined;
  const started = appType ? startApp(state, domain, grant.userProfile, appType, grant.space, now) : undefined;
  const sessionId = randomBytes(24).toString('base64url');
  state.studioSessions.set(sessionId, {
    id: sessionId,
    domainId: domain.domainId,
    userProfile: grant.userProfile,
    expiresAt: new Date(now.getTime() + grant.sessionSeconds * 1000),
  });
  pruneSessions(state, now);
  const cookie = `${SESSION_COOKIE}=${sessionId}; Path=/; Max-Age=${grant.sessionSeconds}; HttpOnly; SameSite=Lax`;
  const lob = state.accounts.get(grant.accountId)?.label;
  const app = grant.space ? `${grant.app} space ${grant.space}` : grant.app;
  const open = started ? appPath(started) : '/studio/default';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>SageMaker Studio</title>
<style>${PAGE_STYLE}</style></head>
<body><main>
<h1>SageMaker Studio</h1>
<dl>
<dt>Domain</dt><dd data-testid="studio-domain">${escapeHtml(grant.domainId)}</dd>
<dt>Account</dt><dd data-testid="studio-account">${escapeHtml(grant.accountId)}</dd>
${lob ? `<dt>Line of business</dt><dd data-testid="studio-lob">${escapeHtml(lob)}</dd>` : ''}
<dt>User profile</dt><dd data-testid="studio-user">${escapeHtml(grant.userProfile)}</dd>
<dt>Application</dt><dd data-testid="studio-app">${escapeHtml(app)}</dd>
${grant.path ? `<dt>Path</dt><dd data-testid="studio-path">${escapeHtml(grant.path)}</dd>` : ''}
<dt>Session</dt><dd data-testid="studio-session">${grant.sessionSeconds} seconds</dd>
</dl>
<p><a href="${escapeHtml(open)}" data-testid="studio-open-app">Open ${escapeHtml(started ? started.appType : 'Studio')}</a></p>
<p class="note">Local Studio stand-in (development and tests only).</p>
</main></body></html>`;
  sendHtml(res, 200, html, { ...headers, 'set-cookie': cookie });
}

function pruneSessions(state: AwsState, now: Date): void {
  if (state.studioSessions.size < 1000) return;
  for (const [id, s] of state.studioSessions)
    if (s.expiresAt.getTime() <= now.getTime()) state.studioSessions.delete(id);
}

/**
 * Any page after /auth: the session cookie must name a live session of this domain whose profile may still
 * use Studio; an app page needs its app InService. A session refused for a disabled profile is ended.
 */
function handleSessionPage(
  state: AwsState,
  req: IncomingMessage,
  res: ServerResponse,
  host: { domainId: string },
  path: string,
  headers: Record<string, string>,
): void {
  const id = cookieOf(req, SESSION_COOKIE);
  const session = id ? state.studioSessions.get(id) : undefined;
  const now = state.now();
  if (!session || session.domainId !== host.domainId || session.expiresAt.getTime() <= now.getTime()) {
    return sendHtml(res, 401, errorPage('sessionEnded'), headers);
  }
  const domain = state.domains.get(session.domainId);
  const profile = domain?.profiles.get(session.userProfile);
  if (!domain || !profile || profile.studioWebPortal === 'DISABLED') {
    state.studioSessions.delete(session.id);
    return sendHtml(res, 403, errorPage('studioDisabled'), headers);
  }
  const appPage = /^\/(jupyterlab|codeeditor)\/([^/]+)(?:\/|$)/.exec(path);
  let shown = 'Studio';
  if (appPage) {
    const appType = appPage[1] === 'jupyterlab' ? 'JupyterLab' : 'CodeEditor';
    const spaceName = appPage[2] === 'default' ? undefined : appPage[2];
    const app = domain.apps.get(appKey({ userProfile: session.userProfile, spaceName, appType }));
    const ownsSpace =
      !spaceName ||
      domain.spaces.get(spaceName)?.ownerUserProfile === session.userProfile ||
      domain.spaces.get(spaceName)?.sharingType === 'Shared';
    if (!app || !ownsSpace || state.settleApp(app, now).status !== 'InService')
      return sendHtml(res, 404, errorPage('appNotRunning'), headers);
    shown = spaceName ? `${appType} space ${spaceName}` : appType;
  } else if (path !== '/' && !/^\/studio(\/|$)/.test(path)) {
    return sendHtml(res, 404, errorPage('appNotRunning'), headers);
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(shown)} - SageMaker Studio</title><style>${PAGE_STYLE}</style></head>
<body><main><h1 data-testid="studio-page">${escapeHtml(shown)}</h1>
<dl><dt>User profile</dt><dd data-testid="studio-user">${escapeHtml(session.userProfile)}</dd>
<dt>Session ends</dt><dd data-testid="studio-session-ends">${session.expiresAt.toISOString()}</dd></dl>
<p class="note">Local Studio stand-in (development and tests only).</p>
</main></body></html>`;
  sendHtml(res, 200, html, headers);
}
