import autocannon from 'autocannon';
import path from 'node:path';
import { findFreePort, startStandIns } from '../../local/stack';
import { fetchAccessToken } from '../lib/tokens';
import { spawnNode, waitFor, ROOT } from '../lib/processes';
(async () => {
  const s = await startStandIns();
  const port = await findFreePort();
  const p = spawnNode(['--cpu-prof', '--cpu-prof-dir=/tmp/prof', path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)],
    { ...process.env, ...s.portalEnv, NEXTAUTH_SECRET: 'x'.repeat(40), NEXTAUTH_URL: `http://localhost:${port}`, LOG_LEVEL: 'info', NEXT_DIST_DIR: '.next-bench', AUTH_MODE: 'password' });
  await waitFor(p, async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok, 30000, 100);
  const token = await fetchAccessToken(s.portalEnv, 'user-lob-a', 'UserLobA1!');
  const url = `http://127.0.0.1:${port}/api/studio/user-lob-a`;
  await autocannon({ url, connections: 8, duration: 3, headers: { authorization: `Bearer ${token}` } });
  const r = await autocannon({ url, connections: 8, duration: 8, headers: { authorization: `Bearer ${token}` } });
  console.log('rps', r.requests.average, 'p50', r.latency.p50, 'p99', r.latency.p99, JSON.stringify(r.statusCodeStats));
  await p.stop(); await s.stop();
})();
