import { startResilienceStack } from '/work/main/tests/resilience/support/stack';
import { rawRequest } from '/work/main/tests/resilience/support/raw-http';
(async () => {
  const stack = await startResilienceStack();
  try {
    for (const t of ['/api/studio/user-lob-a%', '/api/studio/%E0%A4%A', '/%', '/admin/users/%', '/api/health%', '/api/auth/%']) {
      const r = await rawRequest(stack.url, t, ['Authorization: Bearer x']);
      console.log(t.padEnd(30), r.status);
    }
    console.log(stack.portal.output().split('\n').filter((l) => !l.startsWith('{"time')).join('\n').slice(0, 3000));
  } finally { await stack.stop(); }
})();
