/**
 * The baseline for the latency comparison: the AWS reference solution's presign flow, as a tiny
 * Node HTTP server that only the bench uses. Same Node, same stand-ins, same SDK clients and
 * settings, the same token verification as the portal (CognitoTokenVerifier, cached JWKS); then,
 * per request and in sequence, without any cache, what the reference Lambda does:
 *   GetItem user -> GetItem LOB -> STS AssumeRole -> SageMaker ListDomains -> CreatePresignedDomainUrl.
 *
 *   PORT=0 <portal env> node --import tsx bench/baseline-server.ts   -> prints "READY <port>"
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreatePresignedDomainUrlCommand, ListDomainsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { getUserMapping } from '../lib/directory/users';
import { lobReaderOf } from '../lib/directory/lob-writes';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { parseConfig } from '../lib/config';
import { createDynamoDocumentClient, createStsClient, generatorRoleArn } from '../lib/aws/clients';
import { CognitoTokenVerifier, parseBearer } from '../lib/auth/tokens';
import { PortalError, toPortalError } from '../lib/errors';

const config = parseConfig({
  // The baseline never uses next-auth; these only satisfy the shared configuration schema.
  NEXTAUTH_URL: 'http://baseline.invalid',
  NEXTAUTH_SECRET: 'baseline-server-does-not-use-sessions-0000',
  ...process.env,
});
const verifier = new CognitoTokenVerifier(config);
const tables = { ddb: createDynamoDocumentClient(config), tables: config.tables };
const lobs = lobReaderOf(tables);
const sts = createStsClient(config);
// The reference builds a SageMaker client per invocation with the assumed credentials. We do the
// same but share one keep-alive connection pool, so the comparison is about round trips, not TCP.
const sharedHandler = {
  connectionTimeout: 1_000,
  requestTimeout: 5_000,
  httpAgent: new HttpAgent({ keepAlive: true }),
  httpsAgent: new HttpsAgent({ keepAlive: true }),
};
const retryStrategy = () => new ConfiguredRetryStrategy(3, (attempt) => 40 * 2 ** attempt);

async function presignLikeReference(username: string): Promise<string> {
  // The reference's two GetItems (user row, then its first LOB), read through the data layer.
  const user = await getUserMapping(tables, username, { consistent: false });
  const lobName = user?.lobs[0];
  if (!lobName) throw new PortalError('user.not_mapped');
  const lob = await lobs.getLob(lobName);
  if (!lob) throw new PortalError('lob.not_found');
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: generatorRoleArn(lob.accountId, lob.roleName),
      RoleSessionName: 'studio-baseline',
      // The reference sets neither, but the LOB accounts' generator roles (ours) now require them; the calls stay the same.
      SourceIdentity: username,
      Tags: [
        { Key: 'studio-user', Value: username },
        { Key: 'lob', Value: lob.lob },
      ],
    }),
  );
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new PortalError('lob.role_denied');
  const region = lob.region;
  const sagemaker = new SageMakerClient({
    region,
    endpoint: config.endpoints.sagemaker?.replaceAll('{region}', region),
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    requestHandler: sharedHandler,
    retryStrategy: retryStrategy(),
  });
  const domains = await sagemaker.send(new ListDomainsCommand({}));
  const domainId = domains.Domains?.[0]?.DomainId;
  if (!domainId) throw new PortalError('lob.not_found', 'No Studio domain in the LOB account.');
  const out = await sagemaker.send(
    new CreatePresignedDomainUrlCommand({
      DomainId: domainId,
      UserProfileName: username,
      ExpiresInSeconds: config.presignedUrlExpiresSeconds,
      SessionExpirationDurationInSeconds: lob.sessionDurationSeconds,
    }),
  );
  if (!out.AuthorizedUrl) throw new PortalError('internal', 'no AuthorizedUrl');
  return out.AuthorizedUrl;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^\/api\/studio\/([^/?]+)/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}');
    return;
  }
  try {
    const identity = await verifier.verifyAccessToken(parseBearer(req.headers.authorization));
    if (decodeURIComponent(match[1]) !== identity.username) throw new PortalError('auth.forbidden');
    const url = await presignLikeReference(identity.username);
    res.writeHead(302, { location: url, 'cache-control': 'no-store' }).end();
  } catch (thrown) {
    const error = toPortalError(thrown);
    res
      .writeHead(error.status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: error.code, message: error.message }));
  }
}

const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
if (process.channel) process.on('disconnect', () => process.exit(0));
