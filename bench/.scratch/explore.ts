import { signRs256 } from '/work/main/tests/resilience/support/jws';
import { startResilienceStack } from '/work/main/tests/resilience/support/stack';
import { rawRequest } from '/work/main/tests/resilience/support/raw-http';
import { initiateAuth } from '/work/main/tests/support/http-session';
(async () => {
  const stack = await startResilienceStack();
  try {
    const { accessToken: a } = await initiateAuth({ endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' }, 'user-lob-a', 'UserLobA1!');
    const { accessToken: b } = await initiateAuth({ endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' }, 'user-lob-b', 'UserLobB1!');
    const claims = JSON.parse(Buffer.from(a.split('.')[1], 'base64url').toString());
    const key = stack.standIns.cognito.keys.current;
    const crit = signRs256({ kid: key.kid, crit: ['urn:x'], 'urn:x': 1 }, claims, key.privateKey);
    const nested = signRs256({ kid: key.kid, cty: 'JWT' }, a, key.privateKey);
    const show = async (label: string, target: string, headers: string[]) => {
      const r = await rawRequest(stack.url, target, headers);
      console.log(label.padEnd(40), r.status, r.headers.location ? r.headers.location.slice(0,60) : r.body.slice(0, 120));
    };
    await show('valid', '/api/studio/user-lob-a', [`Authorization: Bearer ${a}`]);
    await show('crit real key', '/api/studio/user-lob-a', [`Authorization: Bearer ${crit}`]);
    await show('nested', '/api/studio/user-lob-a', [`Authorization: Bearer ${nested}`]);
    await show('lower bearer', '/api/studio/user-lob-a', [`Authorization: bearer ${a}`]);
    await show('tab', '/api/studio/user-lob-a', [`Authorization: Bearer\t${a}`]);
    await show('2 spaces', '/api/studio/user-lob-a', [`Authorization: Bearer  ${a}`]);
    await show('lead/trail ws', '/api/studio/user-lob-a', [`Authorization:    Bearer ${a}   `]);
    await show('no space', '/api/studio/user-lob-a', [`Authorization: Bearer${a}`]);
    await show('two: valid, garbage', '/api/studio/user-lob-a', [`Authorization: Bearer ${a}`, `Authorization: Bearer garbage`]);
    await show('two: garbage, valid', '/api/studio/user-lob-a', [`Authorization: Bearer garbage`, `Authorization: Bearer ${a}`]);
    await show('two: A, B on B', '/api/studio/user-lob-b', [`Authorization: Bearer ${a}`, `Authorization: Bearer ${b}`]);
    await show('comma joined', '/api/studio/user-lob-a', [`Authorization: Bearer ${a}, Bearer ${b}`]);
    await show('100KB', '/api/studio/user-lob-a', [`Authorization: Bearer ${a}`, `X-Pad: ${'a'.repeat(100_000)}`]);
    await show('dot segs', '/api/studio/user-lob-a/../user-lob-b', [`Authorization: Bearer ${a}`]);
    await show('dot segs2', '/api/studio/../studio/user-lob-b', [`Authorization: Bearer ${a}`]);
    await show('enc slash', '/api/studio/user-lob-a%2F..%2Fuser-lob-b', [`Authorization: Bearer ${a}`]);
    await show('enc own', '/api/studio/user%2Dlob%2Da', [`Authorization: Bearer ${a}`]);
    await show('enc dot', '/api/studio/%2e%2e/studio/user-lob-b', [`Authorization: Bearer ${a}`]);
    await show('trailing slash', '/api/studio/user-lob-a/', [`Authorization: Bearer ${a}`]);
    await show('cyrillic', '/api/studio/user-l%D0%BEb-a', [`Authorization: Bearer ${a}`]);
    await show('raw utf8', '/api/studio/user-l\u00f6b-a', [`Authorization: Bearer ${a}`]);
    await show('null', '/api/studio/user-lob-a%00', [`Authorization: Bearer ${a}`]);
    await show('bad pct', '/api/studio/user-lob-a%', [`Authorization: Bearer ${a}`]);
    await show('bad pct2', '/api/studio/%E0%A4%A', [`Authorization: Bearer ${a}`]);
    await show('abs form', 'http://evil.example/api/studio/user-lob-a', [`Authorization: Bearer ${a}`]);
    await show('double slash', '//api/studio/user-lob-a', [`Authorization: Bearer ${a}`]);
    await show('backslash', '/api/studio\\user-lob-b', [`Authorization: Bearer ${a}`]);
    await show('semicolon', '/api/studio/user-lob-a;user-lob-b', [`Authorization: Bearer ${a}`]);
    console.log(stack.portal.output().split('\n').filter(l=>/error|internal/.test(l)).slice(0,5).join('\n'));
  } finally { await stack.stop(); }
})();
