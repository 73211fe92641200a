/**
 * Starts every stand-in inside the current process: the composition used by local/start.ts (the
 * stand-ins process) and by tests that prefer an in-process stack.
 */
import type { Server } from 'node:http';
import { Knobs, SERVICE_NAMES, type ServiceName } from './knobs';
import { closeServer, hostForUrl, listen } from './http-util';
import { createDynamoDbServer, seedDynamoDb, startDynamoDbLocal, type DynamoDbLocal, type TableNames } from './dynamodb';
import { createCognitoServer, type CognitoStandIn } from './cognito/server';
import { MFA_CONFIGURATIONS, type MfaConfiguration } from './cognito/mfa';
import { createAwsServer } from './aws/server';
import { createDemoAwsState, type AwsState } from './aws/state';
import { createControlHandler } from './control';
import { DEMO_HISTORY_DAYS, seedDemoHistory } from './demo-history';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEMO_APP_CLIENTS,
  DEMO_GROUPS,
  DEMO_REGION,
  DEMO_SNS_TOPIC_ARN,
  DEMO_USERS,
  PORTAL_CLIENT,
  PORTAL_PRINCIPAL,
  TABLES,
  USER_POOL_ID,
} from './demo-data';
import type { SigningCredentials } from './sigv4';

export interface StandInsConfig {
  bindHost: string;
  /** Host put in URLs (issuer, endpoints); default: the bind host (127.0.0.1 when binding all). */
  publicHost?: string;
  ports: { dynamodb: number; cognito: number; aws: number };
  cognitoPublicUrl?: string;
  tables: TableNames;
  studio: { suffix: string; scheme: string; publicPort?: number | 'none'; vpceAddresses: string[] };
  latency: Partial<Record<ServiceName, number>>;
  extraAdminKeys: SigningCredentials[];
  demoData: boolean;
  /** 30 days of demo launches and app hours and a few running apps (LOCAL_DEMO_HISTORY=true; local/demo-history.ts). */
  demoHistory?: boolean;
  /** How long CreateUserProfile leaves a profile Pending (LOCAL_PROFILE_CREATION_DELAY_MS). */
  profileCreationDelayMs?: number;
  /** The user pool's MFA configuration (LOCAL_COGNITO_MFA: OFF, OPTIONAL (default) or ON). */
  cognitoMfa: MfaConfiguration;
}

export interface StandInsUrls {
  dynamodb: string;
  cognito: string;
  issuer: string;
  jwks: string;
  aws: string;
  control: string;
}

export interface RunningStandIns {
  urls: StandInsUrls;
  portalEnv: Record<string, string>;
  knobs: Knobs;
  aws: AwsState;
  cognito: CognitoStandIn;
  stop(): Promise<void>;
}

export class ConfigError extends Error {
  readonly code = 'input.invalid';
}

function port(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name} must be a port number 0-65535, got "${raw}"`);
  return value;
}

function profileDelay(env: Record<string, string | undefined>): number | undefined {
  const raw = env.LOCAL_PROFILE_CREATION_DELAY_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new ConfigError(`LOCAL_PROFILE_CREATION_DELAY_MS must be an integer number of milliseconds >= 0, got "${raw}"`);
  return ms;
}

function cognitoMfa(raw: string | undefined): MfaConfiguration {
  if (raw === undefined || raw === '') return 'OPTIONAL';
  if (!MFA_CONFIGURATIONS.includes(raw as MfaConfiguration)) throw new ConfigError(`LOCAL_COGNITO_MFA must be OFF, OPTIONAL or ON, got "${raw}"`);
  return raw as MfaConfiguration;
}

/** Reads the stand-ins' configuration from environment variables (see docs/local-stand-ins.md). */
export function configFromEnv(env: Record<string, string | undefined> = process.env): StandInsConfig {
  const latency: Partial<Record<ServiceName, number>> = {};
  if (env.LOCAL_LATENCY) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.LOCAL_LATENCY);
    } catch {
      throw new ConfigError('LOCAL_LATENCY must be JSON such as {"sagemaker":60}');
    }
    Object.assign(latency, parsed);
  }
  for (const service of SERVICE_NAMES) {
    const raw = env[`LOCAL_LATENCY_${service.toUpperCase()}`];
    if (raw !== undefined && raw !== '') {
      const ms = Number(raw);
      if (!Number.isFinite(ms) || ms < 0) throw new ConfigError(`LOCAL_LATENCY_${service.toUpperCase()} must be milliseconds >= 0`);
      latency[service] = ms;
    }
  }
  const extraAdminKeys = (env.COGNITO_ADMIN_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const [accessKeyId, secretAccessKey] = pair.split(':');
      if (!accessKeyId || !secretAccessKey) throw new ConfigError('COGNITO_ADMIN_KEYS must be a comma list of ACCESS_KEY_ID:SECRET');
      return { accessKeyId, secretAccessKey };
    });
  const scheme = env.STUDIO_PUBLIC_SCHEME || 'http';
  if (scheme !== 'http' && scheme !== 'https') throw new ConfigError('STUDIO_PUBLIC_SCHEME must be http or https');
  let publicPort: number | 'none' | undefined;
  if (env.STUDIO_PUBLIC_PORT !== undefined && env.STUDIO_PUBLIC_PORT !== '') {
    publicPort = env.STUDIO_PUBLIC_PORT === 'none' ? 'none' : port(env, 'STUDIO_PUBLIC_PORT', 0);
    if ((scheme === 'http' && publicPort === 80) || (scheme === 'https' && publicPort === 443)) publicPort = 'none';
  }
  return {
    bindHost: env.LOCAL_BIND_HOST || '127.0.0.1',
    publicHost: env.LOCAL_PUBLIC_HOST || undefined,
    ports: {
      dynamodb: port(env, 'LOCAL_DYNAMODB_PORT', 8000),
      cognito: port(env, 'LOCAL_COGNITO_PORT', 9229),
      aws: port(env, 'LOCAL_AWS_PORT', 4566),
    },
    cognitoPublicUrl: env.COGNITO_PUBLIC_URL || undefined,
    tables: {
      users: env.TABLE_USERS || TABLES.users,
      lobs: env.TABLE_LOBS || TABLES.lobs,
      audit: env.TABLE_AUDIT || TABLES.audit,
      requests: env.TABLE_REQUESTS || TABLES.requests,
      reviews: env.TABLE_REVIEWS || TABLES.reviews,
      usage: env.TABLE_USAGE || TABLES.usage,
    },
    studio: {
      suffix: env.STUDIO_DOMAIN_SUFFIX || 'localhost',
      scheme,
      publicPort,
      vpceAddresses: (env.STUDIO_VPCE_ADDRESSES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    },
    latency,
    extraAdminKeys,
    demoData: env.LOCAL_DEMO_DATA !== 'false',
    demoHistory: env.LOCAL_DEMO_DATA !== 'false' && env.LOCAL_DEMO_HISTORY === 'true',
    profileCreationDelayMs: profileDelay(env),
    cognitoMfa: cognitoMfa(env.LOCAL_COGNITO_MFA),
  };
}

/** The portal's environment (docs/contracts.md) pointing at these stand-ins; no NEXTAUTH_URL/AUTH_MODE. */
export function portalEnvFor(urls: StandInsUrls, tables: TableNames, studioSuffix = 'localhost'): Record<string, string> {
  return {
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: PORTAL_PRINCIPAL.accessKeyId,
    AWS_SECRET_ACCESS_KEY: PORTAL_PRINCIPAL.secretAccessKey,
    // Keep the default credential chain from probing instance metadata on a developer machine.
    AWS_EC2_METADATA_DISABLED: 'true',
    COGNITO_ISSUER: urls.issuer,
    COGNITO_JWKS_URI: urls.jwks,
    COGNITO_USER_POOL_ID: USER_POOL_ID,
    COGNITO_CLIENT_ID: PORTAL_CLIENT.clientId,
    COGNITO_CLIENT_SECRET: PORTAL_CLIENT.clientSecret,
    COGNITO_ALLOWED_CLIENT_IDS: DEMO_APP_CLIENTS.map((c) => c.clientId).join(','),
    COGNITO_ENDPOINT: urls.cognito,
    DYNAMODB_ENDPOINT: urls.dynamodb,
    STS_ENDPOINT: urls.aws,
    SAGEMAKER_ENDPOINT: urls.aws,
    TABLE_USERS: tables.users,
    TABLE_LOBS: tables.lobs,
    TABLE_AUDIT: tables.audit,
    TABLE_REQUESTS: tables.requests,
    TABLE_REVIEWS: tables.reviews,
    SNS_ENDPOINT: urls.aws,
    SNS_TOPIC_ARN: DEMO_SNS_TOPIC_ARN,
    // The review job (scheduled reviews, overdue reviews) on a timer, as a scheduler would call it.
    REVIEW_JOB_INTERVAL_SECONDS: '60',
    TABLE_USAGE: tables.usage,
    // The stand-in Studio hosts (<domain>.studio.<region>.<suffix>:<port>) for CSP form-action.
    CSP_FORM_ACTION: `*.studio.${DEMO_REGION}.${studioSuffix}:*`,
  };
}

export async function startStandInsInProcess(config: StandInsConfig): Promise<RunningStandIns> {
  const knobs = new Knobs();
  knobs.setLatency(config.latency);
  const aws = createDemoAwsState();
  if (config.profileCreationDelayMs !== undefined) aws.profileCreationDelayMs = config.profileCreationDelayMs;
  const publicHost = hostForUrl(config.publicHost ?? (['0.0.0.0', '::'].includes(config.bindHost) ? '127.0.0.1' : config.bindHost));
  const servers: Server[] = [];
  // Java starts in the background while the other stand-ins come up.
  const backendStarting = startDynamoDbLocal();
  backendStarting.catch(() => undefined); // awaited below; do not report it as unhandled meanwhile
  let backend: DynamoDbLocal | undefined;
  try {
    const cognito = await createCognitoServer(knobs, {
      userPoolId: USER_POOL_ID,
      clients: DEMO_APP_CLIENTS,
      adminKeys: [PORTAL_PRINCIPAL, ...config.extraAdminKeys],
      publicUrl: config.cognitoPublicUrl,
      publicHost,
      mfaConfiguration: config.cognitoMfa,
    });
    servers.push(cognito.server);
    const cognitoUrls = await cognito.listen(config.ports.cognito, config.bindHost);

    backend = await backendStarting;
    const dynamo = createDynamoDbServer(knobs, backend);
    servers.push(dynamo);
    const dynamoPort = await listen(dynamo, config.ports.dynamodb, config.bindHost);

    let healthy = false;
    const awsStandIn = createAwsServer(knobs, aws, {
      studio: config.studio,
      control: createControlHandler({
        knobs,
        aws,
        cognito,
        health: async () => ({
          dynamodb: healthy && dynamo.listening,
          cognito: cognito.server.listening,
          aws: true,
        }),
      }),
    });
    servers.push(awsStandIn.server);
    const awsPort = await awsStandIn.listen(config.ports.aws, config.bindHost);

    const urls: StandInsUrls = {
      dynamodb: `http://${publicHost}:${dynamoPort}`,
      cognito: cognitoUrls.url,
      issuer: cognitoUrls.issuer,
      jwks: `${cognitoUrls.issuer}/.well-known/jwks.json`,
      aws: `http://${publicHost}:${awsPort}`,
      control: `http://${publicHost}:${awsPort}/_local`,
    };

    for (const group of DEMO_GROUPS) cognito.users.addGroup(group);
    if (config.demoData) {
      for (const user of DEMO_USERS) {
        cognito.users.create({ username: user.username, password: user.password, email: user.email, groups: user.groups });
        if (user.totpSecret) cognito.mfa.enroll(user.username, user.totpSecret);
      }
    }
    // Seed through the wrapped server on loopback; the counters start from zero afterwards.
    const seedHost = ['0.0.0.0', '::'].includes(config.bindHost) ? '127.0.0.1' : hostForUrl(config.bindHost);
    await seedDynamoDb(`http://${seedHost}:${dynamoPort}`, config.tables, DEMO_REGION, config.demoData);
    if (config.demoHistory) await seedDemoHistoryAt(`http://${seedHost}:${dynamoPort}`, config.tables.usage, aws);
    knobs.resetCounters();
    healthy = true;

    return {
      urls,
      portalEnv: portalEnvFor(urls, config.tables, config.studio.suffix),
      knobs,
      aws,
      cognito,
      stop: async () => {
        await Promise.all(servers.map((s) => closeServer(s)));
      },
    };
  } catch (error) {
    await Promise.all(servers.map((s) => closeServer(s)));
    // The wrapper stops DynamoDB Local when it closes; if it never listened, stop it here.
    await (backend ?? (await backendStarting.catch(() => undefined)))?.stop();
    throw error;
  }
}

/** Demo history into the Usage table (through a client of its own) and the SageMaker stand-in; says what it seeded. */
async function seedDemoHistoryAt(endpoint: string, usageTable: string, aws: AwsState): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: DEMO_REGION, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
  try {
    const seeded = await seedDemoHistory(DynamoDBDocumentClient.from(client), usageTable, aws);
    process.stdout.write(`stand-ins: demo history (demo data, last ${DEMO_HISTORY_DAYS} days): ${seeded.launches} launches, ${seeded.appHours} app hours, ${seeded.runningApps} apps running\n`);
  } finally {
    client.destroy();
  }
}
