import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DescribeDomainCommand, ListUserProfilesCommand } from '@aws-sdk/client-sagemaker';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { generatorRoleArn } from '@/lib/aws/clients';
import { credentialsOf, roleSessionNameFor, sourceIdentityFor } from '@/lib/aws/generator-sessions';
import { isAccessDenied, isResourceNotFound, isThrottled, isUnavailable } from '@/lib/aws/errors';
import { logAwsFailure } from '@/lib/aws/error-reference';
import { InputInvalidError } from '@/lib/errors';
import type { AdminDeps } from './deps';
import type { AdminLob } from './lobs';

export type StepStatus = 'ok' | 'warning' | 'failed' | 'skipped';

/** The steps in the order they run, with the label an admin reads. */
const STEP_LABELS = {
  assumeRole: 'Assume the generator role',
  describeDomain: 'Describe the Studio domain',
  domainStatus: 'Domain is in service',
  networkAccess: 'Private network access',
  userProfiles: 'User profiles',
} as const;

export interface ConnectionStep {
  id: keyof typeof STEP_LABELS;
  label: string;
  status: StepStatus;
  /** What happened, phrased so an admin knows what to fix. */
  detail: string;
}

export interface ConnectionReport {
  lob: string;
  /** No step failed (warnings allowed). */
  ok: boolean;
  /** How many steps ended with a warning. */
  warnings: number;
  steps: ConnectionStep[];
  testedAt: string;
}

/** The reference an admin finds the AWS error under in the logs (its raw text never reaches the page). */
function awsReason(error: unknown): string {
  return logAwsFailure('admin.connection_test_failed', error);
}

function genericFailure(error: unknown, service: string): string {
  if (isThrottled(error)) return `${service} throttled the request; try again in a moment. (${awsReason(error)})`;
  if (isUnavailable(error)) return `${service} could not be reached from the portal. (${awsReason(error)})`;
  return `The call failed; ${awsReason(error)}.`;
}

/**
 * A domain attribute a launch wants one value of: ok when it has that value, else `otherwise` with
 * "<attribute> is <value>" and `meaning` (what the value means for launches).
 */
function wanted(
  attribute: string,
  value: string | undefined,
  want: string,
  otherwise: StepStatus,
  meaning: string,
): [StepStatus, string] {
  const actual = value ?? 'unknown';
  return actual === want ? ['ok', `${attribute} is ${want}.`] : [otherwise, `${attribute} is ${actual}${meaning}`];
}

/** The one-line verdict an admin reads first: a warning is not a pass. */
export function connectionHeadline(report: ConnectionReport): string {
  if (!report.ok) return 'Connection test found problems.';
  if (report.warnings)
    return `Connection test passed with ${report.warnings === 1 ? 'a warning' : `${report.warnings} warnings`}.`;
  return 'Connection test passed.';
}

/**
 * Checks a LOB's wiring the way a launch uses it, step by step: a fresh STS AssumeRole of the generator
 * role (not the launch path's cached credentials, so a trust-policy change shows now), then DescribeDomain
 * and ListUserProfiles with those credentials. The session's SourceIdentity is the admin who ran the test
 * (the generator role's trust requires one), so the LOB account's CloudTrail names them.
 */
export async function testLobConnection(deps: AdminDeps, lob: AdminLob, admin: string): Promise<ConnectionReport> {
  const steps: ConnectionStep[] = [];
  const record = (id: ConnectionStep['id'], status: StepStatus, detail: string) =>
    steps.push({ id, label: STEP_LABELS[id], status, detail });
  const roleArn = generatorRoleArn(lob.accountId, lob.roleName);
  const report = (): ConnectionReport => ({
    lob: lob.lob,
    ok: steps.every((s) => s.status === 'ok' || s.status === 'warning'),
    warnings: steps.filter((s) => s.status === 'warning').length,
    steps,
    testedAt: new Date().toISOString(),
  });

  let credentials: AwsCredentialIdentity;
  try {
    const out = await deps.createStsClient(lob.region).send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: roleSessionNameFor(`test-${admin}`),
        DurationSeconds: 900,
        // No session tags: the trust policy takes only studio-user and lob, and this session presigns nobody.
        SourceIdentity: sourceIdentityFor(admin),
      }),
    );
    credentials = credentialsOf(out);
    record('assumeRole', 'ok', `Assumed ${roleArn}.`);
  } catch (error) {
    record(
      'assumeRole',
      'failed',
      isAccessDenied(error)
        ? `Access denied assuming ${roleArn}. Check that the role exists in account ${lob.accountId} and that its ` +
            "trust policy lets the portal's role call sts:AssumeRole and sts:SetSourceIdentity with a source identity, and sts:TagSession with the studio-user and lob tags (and that the account id and role name here are right). " +
            `(${awsReason(error)})`
        : genericFailure(error, 'STS'),
    );
    record('describeDomain', 'skipped', 'Skipped: an earlier step failed.');
    return report();
  }

  const sagemaker = deps.createSageMakerClient(lob.region, credentials);
  let domain;
  try {
    domain = await sagemaker.send(new DescribeDomainCommand({ DomainId: lob.domainId }));
    record('describeDomain', 'ok', `Found ${lob.domainId} (${domain.DomainName ?? 'unnamed'}).`);
  } catch (error) {
    record(
      'describeDomain',
      'failed',
      isResourceNotFound(error)
        ? `Domain ${lob.domainId} does not exist in account ${lob.accountId}, region ${lob.region}. Check the domain id and region.`
        : isAccessDenied(error)
          ? `The generator role may not call sagemaker:DescribeDomain on ${lob.domainId}; add it to the role's policy. (${awsReason(error)})`
          : genericFailure(error, 'SageMaker'),
    );
    return report();
  }

  const failure = domain.FailureReason ? ` Failure reason: ${domain.FailureReason}` : '';
  record(
    'domainStatus',
    ...wanted(
      'Status',
      domain.Status,
      'InService',
      'failed',
      `: launches fail until the domain is InService.${failure}`,
    ),
  );
  const notPrivate =
    ', not VpcOnly: Studio traffic is not confined to the VPC. Launches still work, but the domain does not meet the private-access design.';
  record(
    'networkAccess',
    ...wanted('AppNetworkAccessType', domain.AppNetworkAccessType, 'VpcOnly', 'warning', notPrivate),
  );

  try {
    const profiles = await sagemaker.send(
      new ListUserProfilesCommand({ DomainIdEquals: lob.domainId, MaxResults: 100 }),
    );
    const count = profiles.UserProfiles?.length ?? 0;
    const more = profiles.NextToken ? '+' : '';
    if (count) record('userProfiles', 'ok', `${count}${more} user profile${count === 1 && !more ? '' : 's'} present.`);
    else if (lob.autoCreateProfile)
      record('userProfiles', 'ok', 'No user profiles yet; they are created on first launch (auto-create is on).');
    else
      record(
        'userProfiles',
        'warning',
        'No user profiles, and auto-create is off: users will see "no Studio user profile" until profiles are created.',
      );
  } catch (error) {
    record(
      'userProfiles',
      'warning',
      isAccessDenied(error)
        ? `The generator role may not call sagemaker:ListUserProfiles; profiles could not be checked. (${awsReason(error)})`
        : genericFailure(error, 'SageMaker'),
    );
  }
  return report();
}

/**
 * Users are offered a LOB only once it works: enabling runs the connection test first and is refused while
 * a step fails (warnings are allowed). Throws the refusal, at the "enabled" field. (Console and API.)
 */
export async function requireWorkingConnection(deps: AdminDeps, lob: AdminLob, admin: string): Promise<void> {
  const report = await testLobConnection(deps, lob, admin);
  if (report.ok) return;
  const failed = report.steps.find((s) => s.status === 'failed');
  throw new InputInvalidError(
    `${lob.lob} was not enabled: the connection test failed${failed ? ` at "${failed.label}": ${failed.detail}` : '.'} Fix it, test again, then enable.`,
    { details: { field: 'enabled' } },
  );
}
