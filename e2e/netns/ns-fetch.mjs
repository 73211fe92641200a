// Runs INSIDE a network namespace (`ip netns exec <ns> node ns-fetch.mjs '<json>'`): one HTTP request
// with node's fetch, redirects not followed, printed as JSON. With waitForStatus it retries until that
// status arrives or waitMs passes (health checks). Plain Node, no dependencies.
const req = JSON.parse(process.argv[2] ?? '{}');
if (!req.url) {
  console.error('usage: ns-fetch.mjs \'{"url":"http://..."}\'');
  process.exit(2);
}
const deadline = Date.now() + (req.waitMs ?? 0);

async function once() {
  try {
    const res = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers: req.headers ?? {},
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs ?? 5000),
    });
    return { ok: res.ok, status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  } catch (err) {
    const cause = err?.cause?.code ?? err?.cause?.message ?? err?.name;
    return {
      ok: false,
      status: 0,
      headers: {},
      body: '',
      error: `${err?.message ?? err}${cause ? ` (${cause})` : ''}`,
    };
  }
}

let result = await once();
while (req.waitForStatus && result.status !== req.waitForStatus && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 250));
  result = await once();
}
process.stdout.write(JSON.stringify(result));
