/**
 * Studio front door: <domainId>.studio.<region>.<suffix>/auth?token=… checks the token and the
 * VPC-endpoint path, then shows a landing page naming domain, account, user profile and app.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { escapeHtml, sendHtml } from '../http-util';
import type { AwsState } from './state';
import { StudioTokens, StudioTokenError } from './studio-token';

export const INVALID_TOKEN_MESSAGE = 'Invalid or Expired Auth Token';
export const INSUFFICIENT_PERMISSIONS_MESSAGE = 'Auth token containing insufficient permissions';

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

const ERROR_HINTS: Record<string, string> = {
  [INVALID_TOKEN_MESSAGE]:
    'A Studio link works once and only for a short time. Go back to the portal and open Studio again for a fresh link.',
  [INSUFFICIENT_PERMISSIONS_MESSAGE]:
    'This link only works through the Studio VPC endpoint. Open it from the corporate network (or its VPN).',
};

function errorPage(message: string): string {
  // The heading keeps Studio's exact text (tests and users search for it); the hint says what to do.
  const hint = ERROR_HINTS[message];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(message)}</title><style>${PAGE_STYLE}</style></head>
<body><main class="error"><h1 data-testid="studio-error">${escapeHtml(message)}</h1>
${hint ? `<p data-testid="studio-error-hint">${escapeHtml(hint)}</p>` : ''}
<p class="note">Local Studio stand-in (development and tests only).</p>
</main></body></html>`;
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
  if (url.pathname !== '/auth') return sendHtml(res, 403, errorPage(INVALID_TOKEN_MESSAGE), headers);
  const token = url.searchParams.get('token') ?? '';
  let grant;
  try {
    grant = await tokens.verify(token);
  } catch (error) {
    if (error instanceof StudioTokenError) return sendHtml(res, 403, errorPage(INVALID_TOKEN_MESSAGE), headers);
    throw error;
  }
  const domain = state.domains.get(grant.domainId);
  if (!domain || grant.domainId !== host.domainId || grant.region !== host.region) {
    return sendHtml(res, 403, errorPage(INVALID_TOKEN_MESSAGE), headers);
  }
  if (domain.appNetworkAccessType === 'VpcOnly' && !arrivedThroughVpce(req, opts)) {
    return sendHtml(res, 403, errorPage(INSUFFICIENT_PERMISSIONS_MESSAGE), headers);
  }
  tokens.consume(grant.jti, grant.exp);
  // Opening JupyterLab or Code Editor starts that app for the user (as Studio does); ListApps shows it.
  const appType = grant.app === 'jupyterlab' ? 'JupyterLab' : grant.app === 'codeeditor' ? 'CodeEditor' : undefined;
  if (appType) {
    domain.apps.set(`${grant.userProfile}/${appType}`, { userProfile: grant.userProfile, appType, appName: 'default', status: 'InService', createdAt: new Date() });
  }
  const lob = state.accounts.get(grant.accountId)?.label;
  const app = grant.space ? `${grant.app} space ${grant.space}` : grant.app;
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
<p class="note">Local Studio stand-in (development and tests only).</p>
</main></body></html>`;
  sendHtml(res, 200, html, headers);
}
