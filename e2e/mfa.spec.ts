import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Secret, TOTP } from 'otpauth';
import { CLI_CLIENT, DEMO_USERS, PORTAL_PRINCIPAL, USER_POOL_ID } from '../local/demo-data';
import { expect, passwordOf, signInWithForm, test } from './fixtures';
import { E2E_ENV, loadStack } from './support/global-setup';

/**
 * MFA at sign-in (issue 23 items 4-5), in a real browser:
 *  - with JavaScript disabled, the password form signs in a user with TOTP and completes the code step
 *    (a plain HTML form: server action posts), at 390 px; a wrong password and a wrong code show their messages;
 *  - on a portal started with CONSOLE_REQUIRE_MFA=true (a production stage's setting): the demo owner
 *    owner-mfa completes the TOTP step and reaches the console, while a session without MFA is refused
 *    with "Sign in again with MFA".
 * Codes are computed with otpauth (RFC 6238) from the secret the user's authenticator app would hold.
 */
const PHONE = { width: 390, height: 844 };

/** The TOTP code of `secret`, `steps` periods from now (the stand-in accepts one step either side, each once). */
function totp(secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });
}

function cognito(): CognitoIdentityProviderClient {
  const endpoint = process.env[E2E_ENV.cognito];
  if (!endpoint) throw new Error(`${E2E_ENV.cognito} is not set`);
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: PORTAL_PRINCIPAL,
    maxAttempts: 1,
  });
}

/** A new pool user who set up an authenticator app (the self-service calls, through the SDK); returns its secret. */
async function userWithTotp(username: string, password: string): Promise<string> {
  const client = cognito();
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: USER_POOL_ID, Username: username, MessageAction: 'SUPPRESS' }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: USER_POOL_ID,
      Username: username,
      Password: password,
      Permanent: true,
    }),
  );
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId: CLI_CLIENT.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const accessToken = auth.AuthenticationResult!.AccessToken!;
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!, -1) }));
  await client.send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  return SecretCode!;
}

test('with JavaScript disabled, the password form signs in and completes the MFA step (390 px)', async ({
  browser,
  portal,
}, testInfo) => {
  const username = `mfa-nojs-${Date.now().toString(36)}`;
  const password = 'NoJsMfa1!x';
  const secret = await userWithTotp(username, password);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
  const page = await context.newPage();
  try {
    await test.step('a wrong password is answered with text, not an empty form', async () => {
      await page.goto(`${portal.password}/signin`);
      await signInWithForm(page, username, 'not-the-password');
      await expect(page.getByTestId('signin-error')).toHaveText('Incorrect username or password.');
      await expect(page.getByLabel('Username')).toHaveValue(username);
    });
    await test.step('the right password leads to the code step', async () => {
      await signInWithForm(page, username, password);
      await expect(page.getByRole('textbox', { name: 'Authentication code' })).toBeVisible();
      await expect(page.getByLabel('Password')).toHaveCount(0);
      // (axe needs the page's JavaScript: the same step is checked with axe in the tests below.)
      const box = await page.getByRole('button', { name: 'Verify' }).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: testInfo.outputPath('mfa-step-no-js.png'), fullPage: true });
    });
    await test.step('the code completes the sign-in', async () => {
      await page.getByRole('textbox', { name: 'Authentication code' }).fill(totp(secret, 1));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByTestId('whoami')).toContainText(username);
      expect(new URL(page.url()).pathname).toBe('/');
    });
  } finally {
    await context.close();
  }
});

test('with JavaScript disabled, a wrong code sends the person back to the password with a message', async ({
  browser,
  portal,
}) => {
  const username = `mfa-wrong-${Date.now().toString(36)}`;
  const password = 'WrongMfa1!x';
  await userWithTotp(username, password);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(`${portal.password}/signin`);
    await signInWithForm(page, username, password);
    await page.getByRole('textbox', { name: 'Authentication code' }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByTestId('signin-error')).toHaveText(
      'That authentication code was not accepted. Sign in again with your password and a new code.',
    );
    await expect(page.getByLabel('Password')).toBeVisible();
    await expect(page.getByTestId('whoami')).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('hosted-UI mode: Cognito asks owner-mfa for the code, and the session knows MFA passed from the ID token’s amr', async ({
  page,
  portal,
}) => {
  const owner = DEMO_USERS.find((u) => u.username === 'owner-mfa')!;
  await page.goto(portal.hostedUi);
  await page.getByRole('button', { name: 'Sign in with your company account' }).click();
  await signInWithForm(page, owner.username);
  // The Cognito stand-in's managed login page, its code step. (The previous step's code: the
  // require-MFA tests below use the next step's, so no code is used twice.)
  await page.getByRole('textbox', { name: 'Authentication code' }).fill(totp(owner.totpSecret!, -1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('whoami')).toContainText('owner-mfa');
  const session = (await (await page.request.get(`${portal.hostedUi}/api/auth/session`)).json()) as {
    user: { mfa?: boolean };
  };
  expect(session.user.mfa).toBe(true);
});

test('hosted-UI mode: a password-only sign-in is recorded as without MFA', async ({ browser, portal }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(portal.hostedUi);
    await page.getByRole('button', { name: 'Sign in with your company account' }).click();
    await signInWithForm(page, 'owner-lob-a');
    await expect(page.getByTestId('whoami')).toContainText('owner-lob-a');
    const session = (await (await page.request.get(`${portal.hostedUi}/api/auth/session`)).json()) as {
      user: { mfa?: boolean };
    };
    expect(session.user.mfa).toBe(false);
  } finally {
    await context.close();
  }
});

test.describe('a stage that requires MFA for the console (CONSOLE_REQUIRE_MFA=true)', () => {
  let mfaPortal: { url: string; stop(): Promise<void> } | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const env = JSON.parse(process.env[E2E_ENV.portalEnv] ?? '{}') as Record<string, string>;
    mfaPortal = await loadStack().startPortal({
      env: { ...env, CONSOLE_REQUIRE_MFA: 'true' },
      mode: 'password',
      distDir: process.env.NEXT_DIST_DIR || '.next',
      timeoutMs: 90_000,
    });
  });

  test.afterAll(async () => {
    await mfaPortal?.stop();
  });

  test('owner-mfa completes the TOTP step (JavaScript on, 390 px) and reaches the console', async ({
    page,
    expectAccessible,
  }) => {
    await page.setViewportSize(PHONE);
    const owner = DEMO_USERS.find((u) => u.username === 'owner-mfa')!;
    await page.goto(`${mfaPortal!.url}/signin?callbackUrl=%2Fadmin`);
    await signInWithForm(page, owner.username);
    const code = page.getByRole('textbox', { name: 'Authentication code' });
    await expect(code).toBeFocused();
    // The action's response updates the page in place: axe checks it once its head (the title) is back too.
    await expect(page).toHaveTitle('Sign in · Studio Portal');
    await expectAccessible(page, { maxWidth: PHONE.width });
    await code.fill(totp(owner.totpSecret!, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page).toHaveURL(`${mfaPortal!.url}/admin`);
    await expect(page.getByTestId('whoami')).toContainText('owner-mfa');
    await expect(page.getByRole('navigation', { name: /admin/i })).toBeVisible();
    await expect(page.getByText('Sign in again with MFA')).toHaveCount(0);
  });

  test('a console session without MFA is refused and told to sign in again with MFA', async ({
    page,
    expectAccessible,
  }) => {
    await page.goto(`${mfaPortal!.url}/signin?callbackUrl=%2Fadmin`);
    await signInWithForm(page, 'owner-lob-a', passwordOf('owner-lob-a'));
    await expect(page.getByRole('heading', { name: 'Sign in again with MFA' })).toBeVisible();
    await expect(page.getByText(/sign out, then sign in again with your\s+password and the code/)).toBeVisible();
    await expectAccessible(page, { maxWidth: 1280 });
    const response = await page.request.get(`${mfaPortal!.url}/admin/users`);
    expect(response.status()).toBe(401);
    // The home page (not the console) still works for that session.
    await page.goto(mfaPortal!.url);
    await expect(page.getByTestId('whoami')).toContainText('owner-lob-a');
  });
});
