/**
 * What the password sign-in form shows after each step (lib/auth/sign-in-steps.ts): the password step,
 * the authenticator-code step (SOFTWARE_TOKEN_MFA), or the authenticator set-up step (MFA_SETUP, with the
 * secret as a QR code and as text). Serializable: it is the server action's state.
 */
export type SignInFormState =
  | { step: 'password'; error?: string; username?: string }
  | { step: 'mfa'; error?: string }
  | { step: 'mfa-setup'; error?: string; secret: string; qrSvg: string }
  /** Signed in through the hydrated form: it loads `redirectTo` as a new page, as after any sign-in. */
  | { step: 'done'; error?: undefined; redirectTo: string };

export const SIGN_IN_MESSAGES = {
  CredentialsSignin: 'Incorrect username or password.',
  SignInUnavailable: 'Sign-in is unavailable right now. Please try again in a moment.',
  PasswordChangeRequired:
    'Your password is right, but your account must first set a new password (or complete another sign-in step) that this form cannot do. Ask your platform team to set a permanent password.',
  MissingCredentials: 'Enter your username and password.',
  CodeFormat: 'Enter the 6-digit code from your authenticator app.',
  CodeRejected: 'That authentication code was not accepted. Sign in again with your password and a new code.',
  ChallengeExpired: 'The sign-in took too long or was already used. Sign in again.',
} as const;

export function errorMessageFor(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return (SIGN_IN_MESSAGES as Record<string, string>)[code] ?? 'Sign-in failed. Please try again.';
}
