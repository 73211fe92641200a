/** Real Cognito access tokens from the stand-in (USER_PASSWORD_AUTH with the public CLI client). */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';

export async function fetchAccessToken(
  portalEnv: Record<string, string>,
  username: string,
  password: string,
  clientId = 'portal-cli',
): Promise<string> {
  const client = new CognitoIdentityProviderClient({
    region: portalEnv.AWS_REGION,
    endpoint: portalEnv.COGNITO_ENDPOINT,
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    const token = out.AuthenticationResult?.AccessToken;
    if (!token) throw new Error(`InitiateAuth for ${username} returned no access token`);
    return token;
  } finally {
    client.destroy();
  }
}
