// Typed, validated deployment configuration: one object per stage (infra/stages.ts) or a JSON file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { cidrContains, cidrsOverlap, parseCidr } from './cidr';
import { PROFILE_NAME_PATTERN, STUDIO_APPS } from '../lib/names';
import { defaultTableName, perTable } from '../lib/directory/schema';

/** Thrown when a stage's configuration is missing or invalid; the message lists every problem. */
export class InfraConfigError extends Error {
  readonly code = 'infra.config_invalid';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfraConfigError';
  }
}

export { STUDIO_APPS };

const accountId = z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' });
const cidr = z
  .string()
  .refine((v) => parseCidr(v) !== null, { error: 'must be an IPv4 CIDR like 10.0.0.0/16 (no host bits set)' });
const vpcCidr = cidr.refine(
  (v) => {
    const block = parseCidr(v);
    return block !== null && block.prefix >= 16 && block.prefix <= 24;
  },
  { error: 'a VPC CIDR must be between /16 and /24' },
);
// SageMaker user-profile names; also Cognito usernames by convention (docs/contracts.md).
const profileName = z.string().regex(PROFILE_NAME_PATTERN, { error: 'must be a valid SageMaker user profile name' });
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: 'must be an IAM role name (<= 64 of [\\w+=,.@-])' });

export const lobSchema = z.object({
  /** LOB id, the LOBs table key (e.g. `lob-a`). */
  name: z
    .string()
    .regex(/^[a-z0-9](-?[a-z0-9]){0,30}$/, { error: 'must be lower-case letters, digits and single dashes (max 32)' }),
  displayName: z.string().min(1).max(80),
  accountId,
  vpcCidr,
  /** Studio user profiles created by the deploy (usually Cognito usernames). */
  users: z.array(profileName).default([]),
  /** IdP groups whose members may use this LOB without a Users-table row. */
  groups: z.array(z.string().min(1)).default([]),
  roleName: roleName.default('PresignedUrlGenerator'),
  autoCreateProfile: z.boolean().default(false),
  defaultApp: z.enum(STUDIO_APPS).default('studio'),
  allowedApps: z.array(z.enum(STUDIO_APPS)).min(1).default(['studio', 'jupyterlab', 'codeeditor']),
  sessionDurationSeconds: z.number().int().min(1800).max(43200).default(7200),
  enabled: z.boolean().default(true),
  /**
   * Cost control: SageMaker shuts JupyterLab and Code Editor apps down after this many idle minutes
   * (the domain's default user settings, IdleSettings). SageMaker accepts 60-525600.
   */
  idleShutdownMinutes: z
    .number()
    .int({ error: 'must be whole minutes' })
    .min(60, { error: 'must be at least 60 minutes (SageMaker IdleSettings: 60-525600)' })
    .max(525600, { error: 'must be at most 525600 minutes (SageMaker IdleSettings: 60-525600)' })
    .default(120),
});

const portalSchema = z.object({
  authMode: z.enum(['password', 'hosted-ui']).default('password'),
  tables: z
    .object(perTable((table) => z.string().default(defaultTableName(table.id))))
    .default(perTable((table) => defaultTableName(table.id))),
  adminGroup: z.string().min(1).default('portal-admins'),
  /**
   * The user pool's MFA (TOTP only) and the admin console's demand for it: `required` sets the pool's MFA
   * ON and CONSOLE_REQUIRE_MFA. Production stages always require it, whatever this says.
   */
  mfa: z.enum(['optional', 'required']).default('optional'),
  /** Cognito hosted UI domain prefix; used only in hosted-ui mode. */
  hostedUiDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](-?[a-z0-9])*$/)
    .optional(),
  /** Private custom domain for the portal (an ACM certificate in the shared account). Without it the
   * portal URL is the execute-api URL, which carries the stage name as a path prefix. */
  customDomain: z
    .object({ domainName: z.string().min(3), certificateArn: z.string().startsWith('arn:aws') })
    .optional(),
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  memoryMb: z.number().int().min(256).max(10240).default(1024),
  timeoutSeconds: z.number().int().min(3).max(29).default(29),
  /** AWS Lambda Web Adapter layer version (public layer in account 753240598075). */
  webAdapterLayerVersion: z.number().int().positive().default(25),
  presignedUrlExpiresSeconds: z.number().int().min(5).max(300).default(60),
  supportContact: z.string().default('your platform team'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  logRetentionDays: z.number().int().positive().default(90),
  /** Alarms, dashboard and the scheduled LOB health check (infra/monitoring.ts, infra/health-check.ts). */
  monitoring: z
    .object({
      /** Subscribed to the alarm topic (optional: subscribe anything else to the topic's ARN). */
      alarmEmail: z.email().optional(),
      /** How often EventBridge Scheduler runs the connection test of every enabled LOB. */
      healthCheckMinutes: z.number().int().min(1).max(1440).default(5),
      /** How often the access sweep ends Studio access lost outside the portal (IdP groups, end dates). */
      accessSweepMinutes: z.number().int().min(1).max(60).default(5),
      /** Alarm when more than this share of launches fail in 5 minutes (with at least 5 launches). */
      launchFailureRatePercent: z.number().min(1).max(100).default(20),
      /** Alarm when the function's p95 duration is above this for 15 minutes. */
      durationP95Ms: z.number().int().min(100).default(3000),
    })
    .default({ healthCheckMinutes: 5, accessSweepMinutes: 5, launchFailureRatePercent: 20, durationP95Ms: 3000 }),
  /** API Gateway needs an account-wide CloudWatch role for access logs; false if something else sets it. */
  manageApiGatewayAccount: z.boolean().default(true),
  /** The API's own border (infra/portal-api.ts): stage throttling, the function's concurrency, the WAF web ACL. */
  border: z
    .object({
      /** Stage-wide steady rate (requests per second) and burst API Gateway allows before answering 429. */
      throttleRatePerSecond: z.number().positive().default(50),
      throttleBurst: z.number().int().positive().default(100),
      /** Reserved concurrency of the portal function: a flood cannot take the account's whole pool. */
      reservedConcurrency: z.number().int().min(1).default(50),
      /** WAF rate-based rule: requests per client IP in any 5 minutes before WAF blocks that IP. */
      wafRequestsPerIpPer5Min: z.number().int().min(10).default(1000),
    })
    .default({ throttleRatePerSecond: 50, throttleBurst: 100, reservedConcurrency: 50, wafRequestsPerIpPer5Min: 1000 }),
  /** Cognito threat protection of the user pool (needs the Plus feature plan unless OFF); ENFORCED in production. */
  threatProtection: z.enum(['OFF', 'AUDIT', 'ENFORCED']).default('OFF'),
  /** The audit archive (infra/audit-archive.ts): S3 Object Lock in compliance mode, kept this many years. */
  auditArchive: z
    .object({
      retentionYears: z.number().int().min(1).max(100).default(7),
      /** How long Firehose buffers before writing an object (60-900 s): "within minutes". */
      bufferSeconds: z.number().int().min(60).max(900).default(300),
    })
    .default({ retentionYears: 7, bufferSeconds: 300 }),
});

export const infraConfigSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must look like us-east-1' }),
    /** Availability-zone ids (not names: ids are the same physical zone in every account). */
    azIds: z
      .array(z.string().regex(/^[a-z]{3,5}\d?-az\d+$/, { error: 'must be an AZ id like use1-az1' }))
      .min(2)
      .max(3),
    /** On-premises / corporate ranges that reach the portal and Studio through the Transit Gateway. */
    corporateCidrs: z.array(cidr).min(1),
    /** Role assumed in every account by the deployer (created beforehand, see docs/deploy.md). */
    deployRoleName: roleName.default('StudioPortalDeploy'),
    sharedServices: z.object({
      accountId,
      vpcCidr,
      /** Share the Transit Gateway and resolver rules with this OU or organization ARN instead of each LOB account. */
      ramPrincipal: z
        .string()
        .regex(/^arn:aws:organizations::\d{12}:(organization|ou)\/.+$/)
        .optional(),
    }),
    /** Corporate DNS: a forwarding rule from AWS to on-prem resolvers (optional). */
    onPremDns: z.object({ domainName: z.string().min(3), resolverIps: z.array(z.ipv4()).min(1) }).optional(),
    portal: portalSchema.default(portalSchema.parse({})),
    /** Optional test stand-in for the corporate network (infra/onprem-sim.ts); never in production. */
    onPremSimulator: z
      .object({
        cidr,
        azId: z.string().regex(/^[a-z]{3,5}\d?-az\d+$/),
        amiId: z.string().startsWith('ami-'),
        instanceType: z.string().optional(),
      })
      .optional(),
    lobs: z.array(lobSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const ranges: { path: (string | number)[]; cidr: string }[] = [
      { path: ['sharedServices', 'vpcCidr'], cidr: config.sharedServices.vpcCidr },
      ...config.corporateCidrs.map((c, i) => ({ path: ['corporateCidrs', i], cidr: c })),
      ...config.lobs.map((l, i) => ({ path: ['lobs', i, 'vpcCidr'], cidr: l.vpcCidr })),
    ].filter((r) => parseCidr(r.cidr) !== null); // malformed ones are already reported by their field
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (cidrsOverlap(ranges[i].cidr, ranges[j].cidr)) {
          ctx.addIssue({
            code: 'custom',
            path: ranges[j].path,
            message: `${ranges[j].cidr} overlaps ${ranges[i].cidr} (${ranges[i].path.join('.')})`,
          });
        }
      }
    }
    const seenNames = new Set<string>();
    const seenAccounts = new Set<string>([config.sharedServices.accountId]);
    config.lobs.forEach((lob, i) => {
      if (seenNames.has(lob.name))
        ctx.addIssue({ code: 'custom', path: ['lobs', i, 'name'], message: `duplicate LOB name ${lob.name}` });
      seenNames.add(lob.name);
      if (seenAccounts.has(lob.accountId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['lobs', i, 'accountId'],
          message: `account ${lob.accountId} is already used by another LOB or by shared services`,
        });
      }
      seenAccounts.add(lob.accountId);
      if (!lob.allowedApps.includes(lob.defaultApp)) {
        ctx.addIssue({
          code: 'custom',
          path: ['lobs', i, 'defaultApp'],
          message: `defaultApp ${lob.defaultApp} is not in allowedApps`,
        });
      }
      if (new Set(lob.users).size !== lob.users.length)
        ctx.addIssue({ code: 'custom', path: ['lobs', i, 'users'], message: 'duplicate user' });
    });
    if (config.portal.authMode === 'hosted-ui' && !config.portal.hostedUiDomainPrefix) {
      ctx.addIssue({
        code: 'custom',
        path: ['portal', 'hostedUiDomainPrefix'],
        message: 'hosted-ui mode needs a hostedUiDomainPrefix',
      });
    }
    if (
      config.onPremDns &&
      !config.corporateCidrs
        .filter((c) => parseCidr(c))
        .some((c) => config.onPremDns!.resolverIps.every((ip) => cidrContains(c, `${ip}/32`)))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['onPremDns', 'resolverIps'],
        message: 'on-prem resolver IPs must lie inside a corporate CIDR',
      });
    }
  });

export type InfraConfigInput = z.input<typeof infraConfigSchema>;
export type InfraConfig = z.output<typeof infraConfigSchema>;
export type LobConfig = z.output<typeof lobSchema>;

/** Validates a raw config; throws InfraConfigError naming every bad field. */
export function parseInfraConfig(raw: unknown): InfraConfig {
  const result = infraConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `- ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new InfraConfigError(`invalid infrastructure config:\n${lines.join('\n')}`, { cause: result.error });
}

/**
 * Config for a stage: the JSON file named by STUDIO_PORTAL_INFRA_CONFIG if set, else the stage's entry in
 * `stages` (personal/dev stages fall back to `dev`).
 */
export function loadInfraConfig(
  stage: string,
  stages: Record<string, InfraConfigInput>,
  env: Record<string, string | undefined> = process.env,
): InfraConfig {
  const file = env.STUDIO_PORTAL_INFRA_CONFIG?.trim();
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InfraConfigError(`cannot read STUDIO_PORTAL_INFRA_CONFIG file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return parseInfraConfig(raw);
  }
  const raw = stages[stage] ?? stages.dev;
  if (!raw) throw new InfraConfigError(`no infrastructure config for stage "${stage}" and no "dev" fallback`);
  return parseInfraConfig(raw);
}

/** ARN of a LOB's generator role, known before the LOB account is deployed (breaks the portal <-> LOB cycle). */
export function generatorRoleArn(lob: Pick<LobConfig, 'accountId' | 'roleName'>): string {
  return `arn:aws:iam::${lob.accountId}:role/${lob.roleName}`;
}
