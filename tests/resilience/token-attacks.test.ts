import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { initiateAuth } from '../support/http-session';
import { accessClaims, hs256WithPublicKey, signWithStandInKey, tamperPayload, unsignedToken } from '../support/tokens';
import { decodePart, signRs256 } from './support/jws';
import { rawRequest, type RawAnswer } from './support/raw-http';
import { findSecretShapes } from './support/secrets';
import { startResilienceStack, type ResilienceStack } from './support/stack';

/**
 * Token attacks and path fuzzing against GET /api/studio/{user}, sent as raw HTTP so nothing is
 * normalised on the way. Over the whole suite: never a 5xx, and every launch that happens is for
 * the user named in the (valid) token — checked inside the presigned URL the stand-in issued, and
 * by counting the presign calls the stand-in saw.
 */
let stack: ResilienceStack;
let attacker: Server;
let attackerHits = 0;
let attackerUrl: string;
const tokens = { a: '', b: '', idA: '' };
const answers: Array<{ label: string; status: number }> = [];
let launches = 0;

const A = 'user-lob-a';
const B = 'user-lob-b';

async function send(label: string, target: string, headerLines: string[], tokenUser?: string): Promise<RawAnswer> {
  const answer = await rawRequest(stack.url, target, headerLines);
  answers.push({ label, status: answer.status });
  const location = answer.headers.location;
  if (answer.status === 302 && location && /\.studio\./.test(location)) {
    launches += 1;
    stack.secrets.addUrl('presigned URL', location);
    // The launched profile is inside the presigned URL's token: it must be the token's user.
    const studioToken = new URL(location).searchParams.get('token')!;
    expect(decodePart(studioToken, 1).userProfile, `${label}: launched for the wrong user`).toBe(tokenUser);
  }
  return answer;
}

const bearer = (token: string) => [`Authorization: Bearer ${token}`];
const issuer = () => stack.env.COGNITO_ISSUER;
const claimsFor = (username: string, extra: Record<string, unknown> = {}) =>
  accessClaims({ username, issuer: issuer(), ...extra });
/** The kid of the key the stand-in's pool signs with now (its JWKS has it). */
const realKid = () => stack.standIns.cognito.keys.current.kid;
/** B's claims under `header`, signed with a key the attacker just made (never in the pool's JWKS). */
async function attackerToken(header: Parameters<typeof signRs256>[0]): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return signRs256(header, claimsFor(B), privateKey);
}

function expect401(answer: RawAnswer, message?: RegExp): void {
  expect(answer.status, answer.body).toBe(401);
  expect(answer.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  const body = JSON.parse(answer.body) as { code: string; message: string; requestId: string };
  expect(body.code).toBe('auth.invalid_token');
  if (message) expect(body.message).toMatch(message);
}

function expect403(answer: RawAnswer): void {
  expect(answer.status, answer.body).toBe(403);
  expect((JSON.parse(answer.body) as { code: string }).code).toBe('auth.forbidden');
}

beforeAll(async () => {
  stack = await startResilienceStack();
  const spec = { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' };
  const a = await initiateAuth(spec, A, 'UserLobA1!');
  const b = await initiateAuth(spec, B, 'UserLobB1!');
  Object.assign(tokens, { a: a.accessToken, b: b.accessToken, idA: a.idToken });
  for (const [label, t] of Object.entries({ ...tokens, idB: b.idToken })) stack.secrets.addJwt(label, t);
  // An attacker's server for jku / x5u: the portal must never fetch from it.
  attacker = createServer((_req, res) => {
    attackerHits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  await stack.control.resetCounters();
});

afterAll(async () => {
  await new Promise((resolve) => attacker?.close(resolve));
  await stack?.stop();
});

describe('the API issue’s cases', () => {
  it('1 no Authorization header -> 401', async () =>
    expect401(await send('no header', `/api/studio/${A}`, []), /Bearer/));
  it('2 another scheme -> 401', async () =>
    expect401(await send('basic', `/api/studio/${A}`, ['Authorization: Basic dXNlci1sb2ItYTpVc2VyTG9iQTEh'])));
  it('3 garbage -> 401', async () => {
    expect401(await send('garbage', `/api/studio/${A}`, bearer('not-a-jwt')));
    expect401(await send('garbage dots', `/api/studio/${A}`, bearer('aaa.bbb.ccc')));
  });
  it('4 expired -> 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect401(
      await send(
        'expired',
        `/api/studio/${A}`,
        bearer(await signWithStandInKey(stack.standIns, claimsFor(A, { iat: now - 7200, exp: now - 3600 }))),
      ),
      /expired/,
    );
  });
  it('5 not yet valid -> 401', async () => {
    const nbf = Math.floor(Date.now() / 1000) + 600;
    expect401(
      await send('nbf', `/api/studio/${A}`, bearer(await signWithStandInKey(stack.standIns, claimsFor(A, { nbf })))),
      /not valid yet/,
    );
  });
  it('6 wrong issuer -> 401', async () => {
    const t = await signWithStandInKey(
      stack.standIns,
      accessClaims({ username: A, issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }),
    );
    expect401(await send('issuer', `/api/studio/${A}`, bearer(t)), /issuer/);
  });
  it('7 wrong client_id -> 401', async () => {
    expect401(
      await send(
        'client',
        `/api/studio/${A}`,
        bearer(await signWithStandInKey(stack.standIns, claimsFor(A, { client_id: 'other-client' }))),
      ),
      /client/,
    );
  });
  it('8 an ID token -> 401', async () =>
    expect401(await send('id token', `/api/studio/${A}`, bearer(tokens.idA)), /access token/));
  it('9 a tampered payload -> 401', async () => {
    expect401(await send('tampered', `/api/studio/${B}`, bearer(tamperPayload(tokens.a, (p) => (p.username = B)))));
  });
  it('10 alg: none -> 401', async () => {
    expect401(
      await send(
        'alg none',
        `/api/studio/${A}`,
        bearer(unsignedToken(claimsFor(A), stack.standIns.cognito.keys.current.kid)),
      ),
    );
  });
  it('11 HS256 signed with the public key -> 401', async () => {
    const t = await hs256WithPublicKey(stack.standIns.cognito.keys.current.publicJwk, claimsFor(A));
    expect401(await send('hs256', `/api/studio/${A}`, bearer(t)));
  });
  it('13 a token signed after key rotation -> 302 (before any unknown-kid attempt: those start a refetch penalty)', async () => {
    await send('before rotation', `/api/studio/${A}`, bearer(tokens.a), A);
    const { kid } = await stack.control.rotateKeys({ retireOld: false });
    const t = await signWithStandInKey(stack.standIns, claimsFor(A));
    expect(decodePart(t, 0).kid).toBe(kid);
    expect((await send('rotated', `/api/studio/${A}`, bearer(t), A)).status).toBe(302);
  });
  it('12 an unknown kid -> 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect401(
      await send('unknown kid', `/api/studio/${A}`, bearer(signRs256({ kid: randomUUID() }, claimsFor(A), privateKey))),
      /unknown key/,
    );
  });
  it("14 another user's path -> 403", async () =>
    expect403(await send('other path', `/api/studio/${B}`, bearer(tokens.a))));
  it('15 a case variant of one’s own name -> 403', async () => {
    expect403(await send('upper', '/api/studio/USER-LOB-A', bearer(tokens.a)));
    expect403(await send('mixed', '/api/studio/User-Lob-A', bearer(tokens.a)));
  });
  it('16 valid -> 302 to the own domain', async () => {
    const answer = await send('valid', `/api/studio/${A}`, bearer(tokens.a), A);
    expect(answer.status).toBe(302);
    expect(new URL(answer.headers.location).hostname).toBe('d-loba1example.studio.us-east-1.localhost');
  });
});

describe('header injection: the token must not choose its own key', () => {
  it('17 jku pointing at an attacker JWKS (attacker key) -> 401, nothing fetched', async () => {
    const t = await attackerToken({ kid: 'attacker', jku: `${attackerUrl}/jwks.json` });
    expect401(await send('jku', `/api/studio/${B}`, bearer(t)));
  });
  it('18 jku with the real kid but an attacker signature -> 401', async () => {
    const t = await attackerToken({ kid: realKid(), jku: `${attackerUrl}/jwks.json` });
    expect401(await send('jku real kid', `/api/studio/${B}`, bearer(t)), /signature/);
  });
  it('19 jwk header embedding the attacker public key -> 401', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: stack.standIns.cognito.keys.current.kid };
    const t = signRs256({ kid: jwk.kid, jwk }, claimsFor(B), privateKey);
    expect401(await send('jwk', `/api/studio/${B}`, bearer(t)), /signature/);
  });
  it('20 x5u pointing at an attacker certificate URL -> 401, nothing fetched', async () => {
    const t = await attackerToken({ kid: realKid(), x5u: `${attackerUrl}/cert.pem` });
    expect401(await send('x5u', `/api/studio/${B}`, bearer(t)), /signature/);
    expect(attackerHits).toBe(0);
  });
  it('21 crit with an unknown extension (attacker key) -> 401', async () => {
    const t = await attackerToken({ kid: realKid(), crit: ['urn:example:x'], 'urn:example:x': true });
    expect401(await send('crit attacker', `/api/studio/${B}`, bearer(t)));
  });
  it('22 crit with an unknown extension, even under the real key -> 401 (RFC 7515 §4.1.11: must be rejected)', async () => {
    const key = stack.standIns.cognito.keys.current;
    const t = signRs256({ kid: key.kid, crit: ['urn:example:x'], 'urn:example:x': true }, claimsFor(A), key.privateKey);
    expect401(await send('crit real key', `/api/studio/${A}`, bearer(t), A));
  });
  it('23 a nested JWT (cty: JWT, a real access token as payload) -> 401', async () => {
    const key = stack.standIns.cognito.keys.current;
    const t = signRs256({ kid: key.kid, cty: 'JWT' }, tokens.b, key.privateKey);
    expect401(await send('nested', `/api/studio/${B}`, bearer(t)));
  });
  it('24 a JWE-shaped (5-part) token and a token with extra parts -> 401', async () => {
    expect401(await send('jwe', `/api/studio/${A}`, bearer(`${tokens.a}.AAAA.BBBB`)));
    expect401(await send('two tokens', `/api/studio/${A}`, bearer(`${tokens.a}${tokens.b}`)));
  });
  it('25 claim type confusion (username as an array, exp as a string) -> 401', async () => {
    expect401(
      await send(
        'username array',
        `/api/studio/${A}`,
        bearer(await signWithStandInKey(stack.standIns, claimsFor(A, { username: [A] }))),
      ),
    );
    expect401(
      await send(
        'exp string',
        `/api/studio/${A}`,
        bearer(
          await signWithStandInKey(stack.standIns, claimsFor(A, { exp: String(Math.floor(Date.now() / 1000) + 600) })),
        ),
      ),
    );
  });
  it('26 a valid token of user B on A’s path -> 403', async () =>
    expect403(await send('b on a', `/api/studio/${A}`, bearer(tokens.b))));
  it('27 the token in the query string instead of the header -> 401', async () => {
    expect401(await send('query token', `/api/studio/${A}?access_token=${tokens.a}`, []));
  });
});

describe('the Authorization header itself', () => {
  it('28 accepts the scheme case-insensitively (RFC 7235) and extra spaces, for the own user only', async () => {
    for (const header of [
      `bearer ${tokens.a}`,
      `BEARER ${tokens.a}`,
      `BeArEr ${tokens.a}`,
      `Bearer  ${tokens.a}`,
      `   Bearer ${tokens.a}   `,
    ]) {
      expect(
        (await send(`scheme variant "${header.slice(0, 10)}"`, `/api/studio/${A}`, [`Authorization:${header}`], A))
          .status,
      ).toBe(302);
    }
  });
  it('29 refuses malformed variants: tab, no space, no token, trailing junk, two tokens joined', async () => {
    for (const header of [
      `Bearer\t${tokens.a}`,
      `Bearer${tokens.a}`,
      'Bearer',
      'Bearer ',
      `Bearer ${tokens.a} x`,
      `Bearer ${tokens.a}, Bearer ${tokens.b}`,
      `Token ${tokens.a}`,
    ]) {
      expect401(await send(`malformed "${header.slice(0, 12)}"`, `/api/studio/${A}`, [`Authorization: ${header}`]));
    }
  });
  it('30 two Authorization headers: the first one counts, the second can never widen access', async () => {
    // Node keeps the first Authorization header and drops duplicates.
    expect401(
      await send('dup garbage first', `/api/studio/${A}`, [
        'Authorization: Bearer garbage',
        `Authorization: Bearer ${tokens.a}`,
      ]),
    );
    expect403(
      await send('dup a then b on b', `/api/studio/${B}`, [
        `Authorization: Bearer ${tokens.a}`,
        `Authorization: Bearer ${tokens.b}`,
      ]),
    );
    expect(
      (
        await send(
          'dup a then garbage',
          `/api/studio/${A}`,
          [`Authorization: Bearer ${tokens.a}`, 'Authorization: Bearer garbage'],
          A,
        )
      ).status,
    ).toBe(302);
  });
  it('31 a 100 KB header is refused with 431, not a 5xx', async () => {
    expect(
      (await send('100KB pad', `/api/studio/${A}`, [...bearer(tokens.a), `X-Pad: ${'a'.repeat(100 * 1024)}`])).status,
    ).toBe(431);
    expect((await send('100KB auth', `/api/studio/${A}`, bearer('a'.repeat(100 * 1024)))).status).toBe(431);
  });
});

/** Paths whose user segment is not exactly the token's user: none may launch. */
const HOSTILE_PATHS = [
  `/api/studio/${A}/../${B}`,
  `/api/studio/../studio/${B}`,
  `/api/studio/${A}%2F..%2F${B}`,
  `/api/studio/%2e%2e/studio/${B}`,
  `/api/studio/${A}%2f${B}`,
  `/api/studio/${A}%252F..%252F${B}`,
  `/api/studio/${A}%00`,
  `/api/studio/${A}%20`,
  `/api/studio/%20${A}`,
  `/api/studio/${A}%0a`,
  `/api/studio/${A};${B}`,
  `/api/studio/${A}%3Blob=lob-b`,
  `/api/studio/${A}%3Flob=lob-b`,
  `/api/studio/${A}.`,
  `/api/studio/user-l%D0%BEb-a`, // Cyrillic о
  `/api/studio/%EF%BD%95ser-lob-a`, // fullwidth u
  `/api/studio/user%E2%80%90lob-a`, // Unicode hyphen
  `/api/studio/user-lob-%C9%91`, // Latin alpha
  `/api/studio/user-lob-a%CC%81`, // combining accent
  `/api/studio/%55SER-lob-a`,
  `/api/studio/user-lob-a%`,
  `/api/studio/%E0%A4%A`,
  `/api/studio/%ZZ`,
  `/api/studio/${'a'.repeat(4000)}`,
  `/api/studio\\${B}`,
  `/api/studio/${B}#${A}`,
];

describe('path fuzzing with a valid token for user-lob-a', () => {
  it('32 launches only for the exact own name; hostile paths never launch and never 5xx', async () => {
    // Every path is tried; the problems are reported together.
    const problems: string[] = [];
    for (const path of HOSTILE_PATHS) {
      const answer = await send(`path ${path.slice(0, 60)}`, path, bearer(tokens.a), A);
      if (answer.status >= 500) problems.push(`${path.slice(0, 80)} -> ${answer.status}`);
      if (answer.status === 302 && /\.studio\./.test(answer.headers.location ?? ''))
        problems.push(`${path.slice(0, 80)} launched`);
    }
    expect(problems).toEqual([]);
    // Percent-encoding of the exact own name is the own name: a launch for that user is correct.
    expect((await send('encoded own name', '/api/studio/user%2Dlob%2Da', bearer(tokens.a), A)).status).toBe(302);
  });

  it('33 random paths from a hostile alphabet: never a 5xx, never a launch', async () => {
    // Deterministic pseudo-random generator so a failure can be replayed.
    let seed = 0x5eed;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const pieces = [
      'user-lob-a',
      'user-lob-b',
      '..',
      '.',
      '%2F',
      '%2f',
      '/',
      '%25',
      '%00',
      '%2e',
      '%C0%AE',
      '%E2%80%AE',
      '%D0%BE',
      '-',
      'A',
      '~',
      '%',
      '%u002F',
      '%5C',
      ';',
      ',',
      '@',
      '+',
      '%20',
    ];
    const problems: string[] = [];
    let tried = 0;
    for (let i = 0; i < 150; i++) {
      const length = 1 + (next() % 5);
      let segment = '';
      for (let j = 0; j < length; j++) segment += pieces[next() % pieces.length];
      if (segment === A) continue;
      tried += 1;
      const path = `/api/studio/${segment}`;
      const answer = await send(`fuzz ${segment}`, path, bearer(tokens.a), A);
      if (answer.status >= 500) problems.push(`${path} -> ${answer.status}`);
      // Only a spelling that decodes to exactly the own name may launch (and send() checks the user).
      if (answer.status === 302 && /\.studio\./.test(answer.headers.location ?? '') && safeDecode(segment) !== A)
        problems.push(`${path} launched`);
    }
    expect(tried).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

describe('over the whole suite', () => {
  it('never answered a 5xx, and every presign the stand-in saw is one of the launches above', async () => {
    expect(answers.length).toBeGreaterThan(60);
    expect(answers.filter((a) => a.status >= 500).map((a) => a.label)).toEqual([]);
    const presigns = (await stack.control.getCounters())['sagemaker.CreatePresignedDomainUrl'] ?? 0;
    expect(presigns).toBe(launches);
    expect(attackerHits).toBe(0);
  });

  it('put no token into the logs', () => {
    const output = stack.portal.output();
    expect(output).toContain('auth.invalid_token');
    expect(stack.secrets.findIn(output)).toEqual([]);
    expect(findSecretShapes(output)).toEqual([]);
  });
});
