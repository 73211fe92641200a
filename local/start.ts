/**
 * The stand-ins process (`npm run stand-ins`): DynamoDB (AWS's DynamoDB Local, Java), the Cognito stand-in and the
 * STS + SageMaker + Studio stand-in, with the demo data. Prints what it started and a
 * `READY {json}` line; stops on SIGINT/SIGTERM (or when the parent that spawned it goes away).
 * Development and tests only.
 */
// The stand-ins are a development tool: the SDK's Node-version notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { configFromEnv, startStandInsInProcess, ConfigError } from './stand-ins';
import { DEMO_USERS, DEMO_LOBS, USER_POOL_ID, PORTAL_CLIENT, CLI_CLIENT } from './demo-data';

function printBanner(urls: Record<string, string>, vpce: string[], suffix: string): void {
  const rows: Array<[string, string]> = [
    ['DynamoDB (AWS DynamoDB Local)', urls.dynamodb],
    ['Cognito API', urls.cognito],
    ['Cognito issuer (OIDC)', urls.issuer],
    ['STS + SageMaker', urls.aws],
    [
      'Studio',
      `<domainId>.studio.<region>.${suffix} on the AWS port (VPC endpoint: ${vpce.length ? vpce.join(', ') : 'any loopback address'})`,
    ],
    ['Control API', urls.control],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    'Local stand-ins (development and tests only)',
    ...rows.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`),
    '',
    `User pool ${USER_POOL_ID}; app clients: ${PORTAL_CLIENT.clientId} (secret ${PORTAL_CLIENT.clientSecret}), ${CLI_CLIENT.clientId} (no secret)`,
    `LOBs: ${DEMO_LOBS.map((l) => `${l.lob} -> ${l.accountId} ${l.domainId}`).join('; ')}`,
    'Demo users (username / password: what they get):',
    ...DEMO_USERS.map((u) => `  ${u.username.padEnd(16)} ${u.password.padEnd(16)} ${u.note}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`stand-ins: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const started = Date.now();
  const running = await startStandInsInProcess(config);

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`stand-ins: stopping (${reason})\n`);
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  // Spawned with an IPC channel (local/stack.ts): go away with the parent.
  if (process.channel) {
    process.on('disconnect', () => void stop('parent exited'));
    process.channel.unref();
  }

  if (process.env.LOCAL_QUIET !== 'true')
    printBanner(running.urls as unknown as Record<string, string>, config.studio.vpceAddresses, config.studio.suffix);
  process.stdout.write(
    `READY ${JSON.stringify({ urls: running.urls, portalEnv: running.portalEnv, pid: process.pid, startedInMs: Date.now() - started })}\n`,
  );
}

main().catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException & { port?: number };
  const message =
    e.code === 'EADDRINUSE'
      ? `port ${e.port} is already in use (set LOCAL_DYNAMODB_PORT / LOCAL_COGNITO_PORT / LOCAL_AWS_PORT, or 0 for a free port)`
      : e instanceof Error
        ? e.message
        : String(error);
  process.stderr.write(`stand-ins: failed to start: ${message}\n`);
  process.exit(1);
});
