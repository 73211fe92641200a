/**
 * Starts every stand-in inside the current process: the composition used by local/start.ts (the
 * stand-ins process) and by tests that prefer an in-process stack.
 */
import type { Server } from 'node:http';
import { z } from 'zod';
import { TABLE_SCHEMAS, perTable, tableEnvName } from '../lib/directory/schema';
import { Knobs, SERVICE_NAMES, type ServiceName } from './knobs';
import { closeServer, hostForUrl, listen } from './http-util';
import {
  createDynamoDbServer,
  seedDynamoDb,
  startDynamoDbLocal,
  type DynamoDbLocal,
  type TableNames,
} from './dynamodb';
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

/** An optional variable: blank counts as unset. */
const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

/** An optional variable read by `read` (undefined: malformed, reported as "NAME must be <rule>, got ..."). */
function checked<T>(name: string, rule: string, read: (raw: string) => T | undefined) {
  return optional.transform((raw, ctx): T | undefined => {
    if (raw === undefined) return undefined;
    const value = read(raw);
    if (value === undefined) ctx.addIssue({ code: 'custom', message: `${name} must be ${rule}, got "${raw}"` });
    return value;
  });
}

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (raw: string) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  };
const port = (name: string) => checked(name, 'a port number 0-65535', integer(0, 65535));
const millis = (raw: string) => {
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};
const json = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/** Every environment variable the stand-ins read (docs/local-stand-ins.md), as lib/config.ts reads the portal's. */
const standInsEnvSchema = z.object({
  LOCAL_BIND_HOST: optional,
  LOCAL_PUBLIC_HOST: optional,
  LOCAL_DYNAMODB_PORT: port('LOCAL_DYNAMODB_PORT'),
  LOCAL_COGNITO_PORT: port('LOCAL_COGNITO_PORT'),
  LOCAL_AWS_PORT: port('LOCAL_AWS_PORT'),
  COGNITO_PUBLIC_URL: optional,
  LOCAL_LATENCY: checked('LOCAL_LATENCY', 'JSON such as {"sagemaker":60}', json),
  ...Object.fromEntries(
    SERVICE_NAMES.map((service) => {
      const name = `LOCAL_LATENCY_${service.toUpperCase()}`;
      return [name, checked(name, 'milliseconds >= 0', millis)];
    }),
  ),
  COGNITO_ADMIN_KEYS: checked('COGNITO_ADMIN_KEYS', 'a comma list of ACCESS_KEY_ID:SECRET', (raw) => {
    const pairs = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((pair) => pair.split(':'));
    if (pairs.some(([id, secret]) => !id || !secret)) return undefined;
    return pairs.map(([accessKeyId, secretAccessKey]) => ({ accessKeyId, secretAccessKey }));
  }),
  STUDIO_DOMAIN_SUFFIX: optional,
  STUDIO_PUBLIC_SCHEME: checked('STUDIO_PUBLIC_SCHEME', 'http or https', (raw) =>
    raw === 'http' || raw === 'https' ? raw : undefined,
  ),
  STUDIO_PUBLIC_PORT: checked('STUDIO_PUBLIC_PORT', 'a port number 0-65535 or none', (raw) =>
    raw === 'none' ? raw : integer(0, 65535)(raw),
  ),
  STUDIO_VPCE_ADDRESSES: optional,
  LOCAL_DEMO_DATA: optional,
  LOCAL_DEMO_HISTORY: optional,
  LOCAL_COGNITO_MFA: checked('LOCAL_COGNITO_MFA', 'OFF, OPTIONAL or ON', (raw) =>
    MFA_CONFIGURATIONS.includes(raw as MfaConfiguration) ? (raw as MfaConfiguration) : undefined,
  ),
  LOCAL_PROFILE_CREATION_DELAY_MS: checked(
    'LOCAL_PROFILE_CREATION_DELAY_MS',
    'an integer number of milliseconds >= 0',
    integer(0),
  ),
});

/** Reads the stand-ins' configuration from environment variables (see docs/local-stand-ins.md); ConfigError names every bad one. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): StandInsConfig {
  const parsed = standInsEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const e = parsed.data;
  const latency: Partial<Record<ServiceName, number>> = {
    ...(e.LOCAL_LATENCY as Partial<Record<ServiceName, number>> | undefined),
  };
  for (const service of SERVICE_NAMES) {
    const ms = (e as Record<string, unknown>)[`LOCAL_LATENCY_${service.toUpperCase()}`];
    if (typeof ms === 'number') latency[service] = ms;
  }
  const scheme = e.STUDIO_PUBLIC_SCHEME ?? 'http';
  const defaultPort =
    (scheme === 'http' && e.STUDIO_PUBLIC_PORT === 80) || (scheme === 'https' && e.STUDIO_PUBLIC_PORT === 443);
  return {
    bindHost: e.LOCAL_BIND_HOST ?? '127.0.0.1',
    publicHost: e.LOCAL_PUBLIC_HOST,
    ports: {
      dynamodb: e.LOCAL_DYNAMODB_PORT ?? 8000,
      cognito: e.LOCAL_COGNITO_PORT ?? 9229,
      aws: e.LOCAL_AWS_PORT ?? 4566,
    },
    cognitoPublicUrl: e.COGNITO_PUBLIC_URL,
    tables: perTable((table) => env[tableEnvName(table.id)]?.trim() || TABLES[table.id]),
    studio: {
      suffix: e.STUDIO_DOMAIN_SUFFIX ?? 'localhost',
      scheme,
      publicPort: defaultPort ? 'none' : e.STUDIO_PUBLIC_PORT,
      vpceAddresses: (e.STUDIO_VPCE_ADDRESSES ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    latency,
    extraAdminKeys: e.COGNITO_ADMIN_KEYS ?? [],
    demoData: e.LOCAL_DEMO_DATA !== 'false',
    profileCreationDelayMs: e.LOCAL_PROFILE_CREATION_DELAY_MS,
    demoHistory: e.LOCAL_DEMO_DATA !== 'false' && e.LOCAL_DEMO_HISTORY === 'true',
    cognitoMfa: e.LOCAL_COGNITO_MFA ?? 'OPTIONAL',
  };
}

/** The portal's environment (docs/contracts.md) pointing at these stand-ins; no NEXTAUTH_URL/AUTH_MODE. */
export function portalEnvFor(
  urls: StandInsUrls,
  tables: TableNames,
  studioSuffix = 'localhost',
): Record<string, string> {
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
    SNS_ENDPOINT: urls.aws,
    SNS_TOPIC_ARN: DEMO_SNS_TOPIC_ARN,
    // The review job (scheduled reviews, overdue reviews) on a timer, as a scheduler would call it.
    REVIEW_JOB_INTERVAL_SECONDS: '60',
    ...Object.fromEntries(TABLE_SCHEMAS.map((table) => [tableEnvName(table.id), tables[table.id]])),
    // The stand-in Studio hosts (<domain>.studio.<region>.<suffix>:<port>) for CSP form-action.
    CSP_FORM_ACTION: `*.studio.${DEMO_REGION}.${studioSuffix}:*`,
  };
}

export async function startStandInsInProcess(config: StandInsConfig): Promise<RunningStandIns> {
  const knobs = new Knobs();
  knobs.setLatency(config.latency);
  const aws = createDemoAwsState();
  if (config.profileCreationDelayMs !== undefined) aws.profileCreationDelayMs = config.profileCreationDelayMs;
  const publicHost = hostForUrl(
    config.publicHost ?? (['0.0.0.0', '::'].includes(config.bindHost) ? '127.0.0.1' : config.bindHost),
  );
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
        cognito.users.create({
          username: user.username,
          password: user.password,
          email: user.email,
          groups: user.groups,
        });
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
  const client = new DynamoDBClient({
    endpoint,
    region: DEMO_REGION,
    credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' },
  });
  try {
    const seeded = await seedDemoHistory(DynamoDBDocumentClient.from(client), usageTable, aws);
    process.stdout.write(
      `stand-ins: demo history (demo data, last ${DEMO_HISTORY_DAYS} days): ${seeded.launches} launches, ${seeded.appHours} app hours, ${seeded.runningApps} apps running\n`,
    );
  } finally {
    client.destroy();
  }
}
