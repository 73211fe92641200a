// The policy checks and settings the infra tests read off recorded resources, looked up the same way everywhere.
import { checkPrivateApi, checkTrustPolicy, type Violation } from '../policy-check';
import { resourcesOfType, T, type RecordedResource } from './pulumi-mocks';

/** What checkPrivateApi finds wrong with a recorded REST API or custom domain name (its endpoint type and policy). */
export function privateApiViolations(api: RecordedResource, executeApiVpceId: string): Violation[] {
  return checkPrivateApi(
    { endpointConfiguration: api.inputs.endpointConfiguration, policy: api.inputs.policy },
    executeApiVpceId,
  );
}

/** What checkTrustPolicy finds wrong with a recorded role's trust policy, given who may assume it. */
export function trustViolations(role: RecordedResource, allowedPrincipals: string[]): Violation[] {
  return checkTrustPolicy(role.inputs.assumeRolePolicy, allowedPrincipals);
}

/** Each table's deletionProtectionEnabled. */
export function tableDeletionProtection(): boolean[] {
  return resourcesOfType(T.table).map((t) => t.inputs.deletionProtectionEnabled);
}

/** What each Studio domain does with its home EFS file system when it is deleted ('Retain' or 'Delete'). */
export function homeEfsRetention(): string[] {
  return resourcesOfType(T.sagemakerDomain).map((d) => d.inputs.retentionPolicy.homeEfsFileSystem);
}

/** The user pool's inputs, and whether the console demands MFA (the server function's CONSOLE_REQUIRE_MFA). */
export function userPoolMfa(): { pool: Record<string, any>; consoleRequireMfa: string } {
  const [pool] = resourcesOfType(T.userPool);
  return {
    pool: pool.inputs,
    consoleRequireMfa: resourcesOfType(T.lambda)[0].inputs.environment.variables.CONSOLE_REQUIRE_MFA,
  };
}
