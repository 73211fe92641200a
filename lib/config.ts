import { z } from 'zod';
import { ConfigError } from './errors';
import { CSP_STYLE_SRC_MODES } from './csp';
import { defaultTableName, perTable, tableEnvName, type TableId } from './directory/schema';

import { STUDIO_APPS, type StudioApp } from './names';

export { STUDIO_APPS, type StudioApp };

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .trim()
    .pipe(z.url({ error: `${name} must be a URL` }));

const optionalUrl = (name: string) => optionalString.pipe(z.url({ error: `${name} must be a URL` }).optional());

const intInRange = (name: string, min: number, max: number, fallback: number) =>
  optionalString.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an integer between ${min} and ${max} (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });

const commaList = optionalString.transform((v) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined,
);

/** Every environment variable the portal reads (docs/configuration.md). */
const envSchema = z.object({
  AUTH_MODE: optionalString
    .pipe(z.enum(['hosted-ui', 'password'], { error: 'AUTH_MODE must be "hosted-ui" or "password"' }).optional())
    .transform((v) => v ?? 'password'),
  NEXTAUTH_URL: url('NEXTAUTH_URL'),
  NEXTAUTH_SECRET: z
    .string({ error: 'NEXTAUTH_SECRET is required' })
    .min(32, { error: 'NEXTAUTH_SECRET must be at least 32 characters' }),
  AWS_REGION: z
    .string({ error: 'AWS_REGION is required' })
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'AWS_REGION must look like us-east-1' }),
  COGNITO_ISSUER: url('COGNITO_ISSUER').transform((v) => v.replace(/\/+$/, '')),
  COGNITO_JWKS_URI: optionalUrl('COGNITO_JWKS_URI'),
  COGNITO_USER_POOL_ID: z
    .string({ error: 'COGNITO_USER_POOL_ID is required' })
    .trim()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/, { error: 'COGNITO_USER_POOL_ID must look like us-east-1_AbC123' }),
  COGNITO_CLIENT_ID: z
    .string({ error: 'COGNITO_CLIENT_ID is required' })
    .trim()
    .min(1, { error: 'COGNITO_CLIENT_ID is required' }),
  COGNITO_CLIENT_SECRET: optionalString,
  COGNITO_ALLOWED_CLIENT_IDS: commaList,
  COGNITO_ENDPOINT: optionalUrl('COGNITO_ENDPOINT'),
  COGNITO_LOGOUT_URL: optionalUrl('COGNITO_LOGOUT_URL'),
  DYNAMODB_ENDPOINT: optionalUrl('DYNAMODB_ENDPOINT'),
  STS_ENDPOINT: optionalUrl('STS_ENDPOINT'),
  // May contain `{region}`: validated after substitution below.
  SAGEMAKER_ENDPOINT: optionalString,
  SNS_TOPIC_ARN: optionalString.pipe(
    z
      .string()
      .regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, { error: 'SNS_TOPIC_ARN must be an SNS topic ARN' })
      .optional(),
  ),
  SNS_ENDPOINT: optionalUrl('SNS_ENDPOINT'),
  CLOCK_OFFSET_FILE: optionalString,
  /** A JSON price table replacing the shipped one (lib/cost/prices.ts): { source, date, currency, prices: { region: { type: hourly } } }. */
  INSTANCE_PRICES_FILE: optionalString,
  REVIEW_JOB_INTERVAL_SECONDS: intInRange('REVIEW_JOB_INTERVAL_SECONDS', 0, 86400, 0),
  HEALTH_CHECK_INTERVAL_SECONDS: intInRange('HEALTH_CHECK_INTERVAL_SECONDS', 0, 86400, 0),
  ACCESS_SWEEP_MINUTES: intInRange('ACCESS_SWEEP_MINUTES', 1, 60, 5),
  PRESIGNED_URL_EXPIRES_SECONDS: intInRange('PRESIGNED_URL_EXPIRES_SECONDS', 5, 300, 60),
  ADMIN_GROUP: optionalString.transform((v) => v ?? 'portal-admins'),
  CONSOLE_REQUIRE_MFA: optionalString
    .pipe(z.enum(['true', 'false'], { error: 'CONSOLE_REQUIRE_MFA must be true or false' }).optional())
    .transform((v) => v === 'true'),
  SUPPORT_CONTACT: optionalString.transform((v) => v ?? 'your platform team'),
  LOB_CACHE_SECONDS: intInRange('LOB_CACHE_SECONDS', 0, 3600, 30),
  IDENTITY_RECHECK_SECONDS: intInRange('IDENTITY_RECHECK_SECONDS', 0, 3600, 60),
  // Up to a year: environments that rehearse months of calendar time on one sign-in (end dates) need it.
  SESSION_LIFETIME_SECONDS: intInRange('SESSION_LIFETIME_SECONDS', 300, 366 * 86400, 8 * 3600),
  GENERATOR_SESSION_CACHE_SIZE: intInRange('GENERATOR_SESSION_CACHE_SIZE', 1, 1_000_000, 10_000),
  PROFILE_READY_TIMEOUT_SECONDS: intInRange('PROFILE_READY_TIMEOUT_SECONDS', 1, 600, 20),
  AUDIT_WRITE: optionalString
    .pipe(
      z
        .enum(['after-response', 'before-response'], { error: 'AUDIT_WRITE must be after-response or before-response' })
        .optional(),
    )
    .transform((v) => v ?? 'after-response'),
  LOG_LEVEL: optionalString
    .pipe(
      z.enum(['debug', 'info', 'warn', 'error'], { error: 'LOG_LEVEL must be debug, info, warn or error' }).optional(),
    )
    .transform((v) => v ?? 'info'),
  // Read per request by proxy.ts (lib/csp.ts); validated here so a typo fails the start, not silently.
  CSP_STYLE_SRC: optionalString.pipe(
    z
      .enum(CSP_STYLE_SRC_MODES, {
        error: 'CSP_STYLE_SRC must be nonce (the default) or unsafe-inline (next dev only)',
      })
      .optional(),
  ),
});

export type AuthMode = 'hosted-ui' | 'password';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PortalConfig {
  authMode: AuthMode;
  nextAuthUrl: string;
  nextAuthSecret: string;
  region: string;
  cognito: {
    issuer: string;
    jwksUri: string;
    userPoolId: string;
    clientId: string;
    clientSecret?: string;
    allowedClientIds: string[];
    endpoint?: string;
    /**
     * Cognito's hosted-UI logout endpoint (`https://<domain>/logout`); hosted-ui sign-out sends the
     * browser there. Unset: the end_session_endpoint from the issuer's OIDC discovery, if it has one.
     */
    logoutUrl?: string;
  };
  endpoints: { dynamodb?: string; sts?: string; sagemaker?: string; sns?: string };
  /** Table names by table (TABLE_USERS, ...; default studio-portal-<table>). */
  tables: Record<TableId, string>;
  /** Where access-request and expiry notifications go; unset: none are sent. */
  snsTopicArn?: string;
  /**
   * A file holding a clock offset in seconds (lib/clock.ts); unset: the system clock. For environments
   * that rehearse time (end-to-end tests of expiry), never needed in production.
   */
  clockOffsetFile?: string;
  instancePricesFile?: string;
  /** Run the review job (lib/admin/reviews.ts runReviewJobs) every N seconds in-process; 0 = only when called. */
  reviewJobIntervalSeconds: number;
  /** The access sweep's period as scheduled by infra (the LOB page says how soon access ends). */
  accessSweepMinutes: number;
  presignedUrlExpiresSeconds: number;
  adminGroup: string;
  /**
   * The admin console (platform admins and owners) refuses a session known not to have passed MFA
   * (lib/auth/mfa.ts). Production stages set it (infra/stages.ts).
   */
  consoleRequireMfa: boolean;
  supportContact: string;
  lobCacheSeconds: number;
  /**
   * How old the per-user copy of a user's state in the user pool (exists, enabled, groups) may be when a
   * page, route, action or launch uses it (lib/auth/identity-check.ts); 0 = ask Cognito every time.
   */
  identityRecheckSeconds: number;
  /** Absolute lifetime of a portal session from sign-in; reading or refreshing the session never extends it. */
  sessionLifetimeSeconds: number;
  /** Generator sessions (one per LOB account and user) kept in memory, least recently used dropped first. */
  generatorSessionCacheSize: number;
  /** How long a launch waits for a just-created Studio profile to be InService. */
  profileReadyTimeoutSeconds: number;
  /**
   * When the launch's audit record is written. `after-response` keeps it off the redirect's critical
   * path (a long-running server); `before-response` for hosts that freeze the process once the
   * response is sent (AWS Lambda), where deferred work could be lost.
   */
  auditWrite: 'after-response' | 'before-response';
  logLevel: LogLevel;
  /**
   * How often this process runs the LOB health check by itself (0 = never: on Lambda the EventBridge
   * schedule calls it instead, infra/health-check.ts).
   */
  healthCheckIntervalSeconds: number;
}

/** Parses an environment into the typed configuration; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): PortalConfig {
  // An empty variable counts as unset (so it is reported as "required", not as malformed).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const message = issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
      return `  - ${message}`;
    });
    throw new ConfigError(`Invalid portal configuration:\n${problems.join('\n')}`);
  }
  const e = result.data;
  if (e.SAGEMAKER_ENDPOINT) {
    const probe = e.SAGEMAKER_ENDPOINT.replaceAll('{region}', e.AWS_REGION);
    if (!URL.canParse(probe)) {
      throw new ConfigError(
        'Invalid portal configuration:\n  - SAGEMAKER_ENDPOINT must be a URL (may contain {region})',
      );
    }
  }
  return {
    authMode: e.AUTH_MODE,
    nextAuthUrl: e.NEXTAUTH_URL,
    nextAuthSecret: e.NEXTAUTH_SECRET,
    region: e.AWS_REGION,
    cognito: {
      issuer: e.COGNITO_ISSUER,
      jwksUri: e.COGNITO_JWKS_URI ?? `${e.COGNITO_ISSUER}/.well-known/jwks.json`,
      userPoolId: e.COGNITO_USER_POOL_ID,
      clientId: e.COGNITO_CLIENT_ID,
      clientSecret: e.COGNITO_CLIENT_SECRET,
      allowedClientIds: e.COGNITO_ALLOWED_CLIENT_IDS ?? [e.COGNITO_CLIENT_ID],
      endpoint: e.COGNITO_ENDPOINT,
      logoutUrl: e.COGNITO_LOGOUT_URL,
    },
    endpoints: {
      dynamodb: e.DYNAMODB_ENDPOINT,
      sts: e.STS_ENDPOINT,
      sagemaker: e.SAGEMAKER_ENDPOINT,
      sns: e.SNS_ENDPOINT,
    },
    tables: perTable((table) => env[tableEnvName(table.id)]?.trim() || defaultTableName(table.id)),
    healthCheckIntervalSeconds: e.HEALTH_CHECK_INTERVAL_SECONDS,
    snsTopicArn: e.SNS_TOPIC_ARN,
    clockOffsetFile: e.CLOCK_OFFSET_FILE,
    instancePricesFile: e.INSTANCE_PRICES_FILE,
    reviewJobIntervalSeconds: e.REVIEW_JOB_INTERVAL_SECONDS,
    accessSweepMinutes: e.ACCESS_SWEEP_MINUTES,
    presignedUrlExpiresSeconds: e.PRESIGNED_URL_EXPIRES_SECONDS,
    adminGroup: e.ADMIN_GROUP,
    consoleRequireMfa: e.CONSOLE_REQUIRE_MFA,
    supportContact: e.SUPPORT_CONTACT,
    lobCacheSeconds: e.LOB_CACHE_SECONDS,
    identityRecheckSeconds: e.IDENTITY_RECHECK_SECONDS,
    sessionLifetimeSeconds: e.SESSION_LIFETIME_SECONDS,
    generatorSessionCacheSize: e.GENERATOR_SESSION_CACHE_SIZE,
    profileReadyTimeoutSeconds: e.PROFILE_READY_TIMEOUT_SECONDS,
    auditWrite: e.AUDIT_WRITE,
    logLevel: e.LOG_LEVEL,
  };
}

let cached: PortalConfig | undefined;

/** The process's configuration, parsed once from process.env. */
export function getConfig(): PortalConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
