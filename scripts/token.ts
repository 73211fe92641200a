/**
 * npm run token -- <username> [--password <p>] [--client-id <id>] [--client-secret <s>] [--endpoint <url>] [--region <r>] [--id]
 *                 [--totp-secret <base32>]
 * npm run token -- --totp <username> | --totp --totp-secret <base32>
 *
 * Prints a Cognito access token (or the ID token with --id) for a user, through the real
 * InitiateAuth (USER_PASSWORD_AUTH) call: for people without the AWS CLI. Defaults target the local
 * Cognito stand-in (http://127.0.0.1:9229, client portal-cli) and the demo users' passwords.
 * Works against a real user pool too: pass --endpoint (or omit it with --region), --client-id and --password.
 * A user with TOTP MFA (SOFTWARE_TOKEN_MFA) is answered with the current code of the demo user's known secret
 * (owner-mfa) or of --totp-secret. `--totp` prints only the current 6-digit code (what an authenticator app shows).
 */
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Secret, TOTP } from 'otpauth';
import { DEMO_USERS } from '../local/demo-data';

const USAGE =
  'usage: npm run token -- <username> [--password <p>] [--client-id <id>] [--client-secret <s>] [--endpoint <url>] [--region <r>] [--id] [--totp-secret <base32>]\n' +
  '       npm run token -- --totp <username> | --totp --totp-secret <base32>   (the current authenticator code)';

/** The current RFC 6238 code (SHA-1, 6 digits, 30 s: what authenticator apps and Cognito use). */
function totpCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '').toUpperCase()) }).generate();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      password: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      id: { type: 'boolean', default: false },
      totp: { type: 'boolean', default: false },
      'totp-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const username = positionals[0];
  const totpSecret =
    values['totp-secret'] ??
    process.env.TOKEN_TOTP_SECRET ??
    DEMO_USERS.find((u) => u.username === username)?.totpSecret;
  if (values.totp) {
    if (!totpSecret)
      throw new Error(
        `no TOTP secret for "${username ?? ''}": it is not a demo user with MFA, pass --totp-secret\n${USAGE}`,
      );
    process.stdout.write(`${totpCode(totpSecret)}\n`);
    return;
  }
  if (!username) throw new Error(`a username is required\n${USAGE}`);
  const password =
    values.password ?? process.env.TOKEN_PASSWORD ?? DEMO_USERS.find((u) => u.username === username)?.password;
  if (!password)
    throw new Error(`no password for "${username}": it is not a demo user, pass --password (or TOKEN_PASSWORD)`);
  const clientId = values['client-id'] ?? process.env.TOKEN_CLIENT_ID ?? 'portal-cli';
  const clientSecret = values['client-secret'] ?? process.env.TOKEN_CLIENT_SECRET;
  const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const endpoint =
    values.endpoint ??
    process.env.COGNITO_ENDPOINT ??
    (values.region ? undefined : `http://127.0.0.1:${process.env.LOCAL_COGNITO_PORT ?? 9229}`);

  const client = new CognitoIdentityProviderClient({ region, endpoint });
  const secretHash = clientSecret
    ? {
        SECRET_HASH: createHmac('sha256', clientSecret)
          .update(username + clientId)
          .digest('base64'),
      }
    : undefined;
  const params: Record<string, string> = { USERNAME: username, PASSWORD: password, ...secretHash };
  let out = await client.send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: params }),
  );
  if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && totpSecret) {
    out = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: out.Session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: totpCode(totpSecret), ...secretHash },
      }),
    );
  }
  const token = values.id ? out.AuthenticationResult?.IdToken : out.AuthenticationResult?.AccessToken;
  if (!token)
    throw new Error(
      out.ChallengeName
        ? `Cognito asks for a challenge (${out.ChallengeName}); this script cannot answer it`
        : 'Cognito returned no token',
    );
  process.stdout.write(`${token}\n`);
}

main().catch((error: Error & { name?: string }) => {
  const hint = /ECONNREFUSED|fetch failed/.test(String(error.message) + String((error as { cause?: unknown }).cause))
    ? ' (is `npm run local` or `npm run stand-ins` running?)'
    : '';
  process.stderr.write(
    `token: ${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}${hint}\n`,
  );
  process.exit(1);
});
