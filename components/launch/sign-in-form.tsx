'use client';

import { signIn } from 'next-auth/react';
import { useActionState, useEffect, useState, type InputHTMLAttributes } from 'react';
import { signInStep } from '@/app/signin/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { errorMessageFor, type SignInFormState } from '@/lib/auth/sign-in-state';

const SUBMIT_LABELS: Record<SignInFormState['step'], [idle: string, pending: string]> = {
  password: ['Sign in', 'Signing in…'],
  mfa: ['Verify', 'Verifying…'],
  'mfa-setup': ['Verify', 'Verifying…'],
  done: ['Signed in', 'Signed in'],
};

/**
 * Password mode: the portal's own form, one server action per step (lib/auth/sign-in-steps.ts): password,
 * then an authenticator code (SOFTWARE_TOKEN_MFA) or the authenticator set-up (MFA_SETUP). A plain HTML
 * form too: before hydration, or with JavaScript off, the browser posts it and gets the next step (or the
 * error) as a page.
 */
export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [state, action, pending] = useActionState<SignInFormState, FormData>(signInStep, {
    step: 'password',
    error: errorMessageFor(initialError),
  });
  const [idle, busy] = SUBMIT_LABELS[state.step];
  useEffect(() => {
    if (state.step === 'done') window.location.assign(state.redirectTo);
  }, [state]);

  return (
    <form
      action={action}
      // A second submit while one runs would spend Cognito's challenge session twice.
      onSubmit={(event) => pending && event.preventDefault()}
      className="space-y-4"
      aria-describedby="signin-status"
    >
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <input type="hidden" name="step" value={state.step} />
      <div key={state.step} className="space-y-4">
        {state.step === 'password' && (
          <>
            <TextField
              id="username"
              label="Username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              defaultValue={state.username}
            />
            <TextField
              id="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              autoFocus={!!state.username}
            />
          </>
        )}
        {state.step === 'mfa' && (
          <>
            <h2 className="text-lg font-semibold text-slate-900">Two-step verification</h2>
            <p id="code-help" className="text-sm text-slate-600">
              Enter the 6-digit code your authenticator app shows for Studio Portal.
            </p>
            <CodeField />
          </>
        )}
        {state.step === 'mfa-setup' && (
          <>
            <h2 className="text-lg font-semibold text-slate-900">Set up your authenticator app</h2>
            <p className="text-sm text-slate-600">
              Your account needs a second sign-in step. Scan this QR code with an authenticator app, or type the key
              below into it; then enter the 6-digit code the app shows.
            </p>
            <div
              role="img"
              aria-label="QR code of your authenticator key"
              data-testid="mfa-qr"
              className="mx-auto h-48 w-48 [&>svg]:h-full [&>svg]:w-full"
              // SVG markup generated on the server by the qrcode library from Cognito's secret: no user input.
              dangerouslySetInnerHTML={{ __html: state.qrSvg }}
            />
            <p id="code-help" className="text-sm text-slate-600">
              Key:{' '}
              <code data-testid="mfa-secret" className="break-all font-mono text-slate-900">
                {state.secret.match(/.{1,4}/g)?.join(' ')}
              </code>
            </p>
            <CodeField />
          </>
        )}
      </div>
      <div>
        {/* aria-disabled, not disabled: the button keeps focus for keyboard users while signing in. */}
        <Button type="submit" aria-disabled={pending || state.step === 'done' || undefined} className="w-full">
          {pending ? busy : idle}
        </Button>
        {(state.step === 'mfa' || state.step === 'mfa-setup') && (
          <p className="mt-3 text-center text-sm">
            <a href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="text-brand-700 underline">
              Start again
            </a>
          </p>
        )}
        <div id="signin-status" aria-live="polite">
          {state.error && (
            <div className="mt-4">
              <Alert tone="error" testId="signin-error">
                {state.error}
              </Alert>
            </div>
          )}
        </div>
      </div>
    </form>
  );
}

/** The 6-digit code box of both MFA steps. */
function CodeField() {
  return (
    <TextField
      id="code"
      label="Authentication code"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      title="6 digits"
      maxLength={6}
      aria-describedby="code-help"
      autoFocus
    />
  );
}

/** A required text input and its label; the input's id is also its form field name. */
function TextField({ id, label, ...input }: { id: string; label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={id}
        required
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900"
        {...input}
      />
    </div>
  );
}

/** Hosted-UI mode: starts the OIDC flow with Cognito (which may federate to the corporate IdP). */
export function HostedSignInButton({ callbackUrl }: { callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      className="w-full"
      aria-disabled={pending || undefined}
      onClick={() => {
        if (pending) return;
        setPending(true);
        void signIn('cognito', { callbackUrl });
      }}
    >
      {pending ? 'Redirecting…' : 'Sign in with your company account'}
    </Button>
  );
}
