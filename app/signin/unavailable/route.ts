import { getConfig } from '@/lib/config';

/**
 * The portal fails closed when Cognito cannot be asked whether a signed-in user may still use it
 * (docs/configuration.md IDENTITY_RECHECK_SECONDS): this page says so with HTTP 503 and Retry-After.
 */
export function GET(): Response {
  // Configuration text in HTML: escape the characters that could open markup.
  const supportContact = getConfig().supportContact.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Account check unavailable · Studio Portal</title></head><body><main>
<h1>Your account could not be checked</h1>
<p>The portal confirms with the user pool (Amazon Cognito) that your account is still enabled before it shows a page or
opens Studio, and the user pool could not be reached just now. Nothing is wrong with your account.</p>
<p><a href="/">Try again</a> in a minute. If this keeps happening, tell ${supportContact}.</p>
</main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '30' },
  });
}
