/**
 * The user pool as the portal's principal administers it: the production SDK client against the Cognito
 * stand-in (one attempt: a refusal is the answer under test, not something to retry), and the users a
 * suite creates for itself (confirmed, permanent password, optionally in IdP groups).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PORTAL_PRINCIPAL, USER_POOL_ID } from '../../local/demo-data';

export function poolAdminClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: PORTAL_PRINCIPAL,
    maxAttempts: 1,
  });
}

/** A user who can sign in with `password` at once (no invitation message, no forced change). */
export async function createPoolUser(
  client: CognitoIdentityProviderClient,
  username: string,
  password: string,
  groups: string[] = [],
) {
  const user = { UserPoolId: USER_POOL_ID, Username: username };
  await client.send(new AdminCreateUserCommand({ ...user, MessageAction: 'SUPPRESS' }));
  await client.send(new AdminSetUserPasswordCommand({ ...user, Password: password, Permanent: true }));
  for (const GroupName of groups) await client.send(new AdminAddUserToGroupCommand({ ...user, GroupName }));
}
