'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

const MESSAGES: Record<string, string> = {
  CredentialsSignin: 'Incorrect username or password.',
  SignInUnavailable: 'Sign-in is unavailable right now. Please try again in a moment.',
  PasswordChangeRequired:
    'Your password is right, but your account must first set a new password (or complete another sign-in step) that this form cannot do. Ask your platform team to set a permanent password.',
};

export function errorMessageFor(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return MESSAGES[code] ?? 'Sign-in failed. Please try again.';
}

/** Password mode: the portal's own form; next-auth's credentials provider calls Cognito InitiateAuth. */
export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(errorMessageFor(initialError));
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn('credentials', {
      username: String(form.get('username') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
      callbackUrl,
    });
    if (result?.ok && !result.error) {
      window.location.assign(result.url ?? callbackUrl);
      return;
    }
    setPending(false);
    setError(errorMessageFor(result?.error ?? 'SignInUnavailable'));
  }

  // method="post": even before JavaScript runs, the password must never end up in a URL.
  return (
    <form onSubmit={onSubmit} method="post" className="space-y-4" aria-describedby="signin-status">
      <TextField id="username" label="Username" autoComplete="username" autoCapitalize="none" spellCheck={false} />
      <TextField id="password" label="Password" type="password" autoComplete="current-password" />
      <div>
        {/* aria-disabled, not disabled: the button keeps focus for keyboard users while signing in. */}
        <Button type="submit" aria-disabled={pending || undefined} className="w-full">
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
        <div id="signin-status" aria-live="polite">
          {error && (
            <div className="mt-4">
              <Alert tone="error" testId="signin-error">
                {error}
              </Alert>
            </div>
          )}
        </div>
      </div>
    </form>
  );
}

/** A required text input and its label; the input's id is also its form field name. */
function TextField({ id, label, ...input }: { id: string; label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-800">
        {label}
      </label>
      <input id={id} name={id} required className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900" {...input} />
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
