import type { AuthOptions, User } from 'next-auth';
import CognitoProvider from 'next-auth/providers/cognito';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getConfig, type PortalConfig } from '@/lib/config';
import { createClock } from '@/lib/clock';
import { log } from '@/lib/log';
import { mfaClaimOf, mfaFromIdTokenClaims } from './mfa';
import { InvalidCredentialsError, SignInChallengeError, signInWithPassword } from './password-sign-in';
import { getCognitoClient, getTokenVerifier } from './services';
import { typedUsername } from './typed-username';
import { portalRedirect } from '@/lib/http/safe-redirect';
import { SessionExpiredError, sessionBookkeeping } from './session-lifetime';
import { revokeOnSignOut } from './sign-out';

interface PortalUser extends User {
  username: string;
  groups: string[];
  sub?: string;
  mfa?: boolean;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function buildProviders(config: PortalConfig): AuthOptions['providers'] {
  if (config.authMode === 'hosted-ui') {
    const { issuer, clientId, clientSecret } = config.cognito;
    return [
      CognitoProvider({
        issuer,
        clientId,
        clientSecret: clientSecret ?? '',
        checks: ['pkce', 'state'],
        // A public client (no secret) authenticates to the token endpoint with PKCE only.
        ...(clientSecret ? {} : { client: { token_endpoint_auth_method: 'none' } }),
      }),
    ];
  }
  return [
    CredentialsProvider({
      id: 'credentials',
      name: 'Username and password',
      credentials: { username: { label: 'Username', type: 'text' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials): Promise<PortalUser | null> {
        const username = credentials?.username?.trim();
        const password = credentials?.password;
        if (!username || !password) return null;
        try {
          const user = await signInWithPassword(
            {
              cognito: getCognitoClient(),
              verifier: getTokenVerifier(),
              clientId: config.cognito.clientId,
              clientSecret: config.cognito.clientSecret,
            },
            username,
            password,
          );
          log.info('auth.sign_in', { user: user.username, mode: 'password', mfa: false });
          // No challenge was answered here (a user with MFA gets SignInChallengeError): the form's steps do that.
          return { id: user.username, ...user, mfa: false };
        } catch (error) {
          if (error instanceof InvalidCredentialsError) {
            log.info('auth.sign_in_refused', { ...typedUsername(username, config.nextAuthSecret), mode: 'password' });
            return null;
          }
          if (error instanceof SignInChallengeError) {
            log.info('auth.sign_in_challenge', { user: username, mode: 'password', challenge: error.challenge });
            // next-auth shows this as ?error=PasswordChangeRequired on the sign-in page.
            throw new Error('PasswordChangeRequired');
          }
          log.error('auth.sign_in_failed', {
            ...typedUsername(username, config.nextAuthSecret),
            mode: 'password',
            error,
          });
          // next-auth shows this as ?error=SignInUnavailable on the sign-in page.
          throw new Error('SignInUnavailable');
        }
      },
    }),
  ];
}

/** next-auth options for the configured sign-in mode; both modes end in the same JWT session. */
export function buildAuthOptions(config: PortalConfig): AuthOptions {
  // The clock of `config` (CLOCK_OFFSET_FILE), so that options built from a given configuration use only it.
  const clock = createClock(config);
  return {
    secret: config.nextAuthSecret,
    providers: buildProviders(config),
    // The cookie's own expiry; the absolute lifetime from sign-in is enforced in sessionBookkeeping.
    session: { strategy: 'jwt', maxAge: config.sessionLifetimeSeconds },
    pages: { signIn: '/signin', error: '/signin' },
    callbacks: {
      redirect: async (params) => portalRedirect(params),
      async signIn({ user, profile, account }) {
        if (account?.provider === 'cognito') {
          // Refuse an IdP session without a Cognito username rather than inventing one.
          return typeof (profile as Record<string, unknown> | undefined)?.['cognito:username'] === 'string';
        }
        return !!(user as Partial<PortalUser>).username;
      },
      async jwt({ token, user, profile, account }) {
        if (account?.provider === 'cognito' && profile) {
          const claims = profile as Record<string, unknown>;
          token.username = claims['cognito:username'] as string;
          token.groups = strings(claims['cognito:groups']);
          if (typeof claims.email === 'string') token.email = claims.email;
          if (typeof claims.sub === 'string') token.sub = claims.sub;
          token.mfa = mfaFromIdTokenClaims(claims);
          log.info('auth.sign_in', { user: token.username, mode: 'hosted-ui' });
        } else if (user) {
          const u = user as PortalUser;
          token.username = u.username;
          token.groups = u.groups;
          if (u.email) token.email = u.email;
          // The pool's `sub` (next-auth would otherwise put the provider's user id, here the username, there).
          if (u.sub) token.sub = u.sub;
          token.mfa = mfaClaimOf(u.mfa);
        }
        return sessionBookkeeping(
          token,
          { account, user },
          { now: clock().getTime(), lifetimeSeconds: config.sessionLifetimeSeconds },
        );
      },
      async session({ session, token }) {
        session.user = {
          username: String(token.username ?? ''),
          groups: strings(token.groups),
          ...(typeof token.email === 'string' ? { email: token.email } : {}),
          ...(typeof token.sub === 'string' ? { sub: token.sub } : {}),
          ...(mfaClaimOf(token.mfa) !== undefined ? { mfa: token.mfa } : {}),
        };
        return session;
      },
    },
    events: {
      signOut: ({ token }) => revokeOnSignOut(token),
    },
    logger: {
      // next-auth's own logger may print request details; route through our redacting logger.
      error: (code, metadata) =>
        metadata instanceof SessionExpiredError
          ? log.info('auth.session_expired', { code })
          : log.error('next_auth.error', { code, metadata }),
      warn: (code) => log.warn('next_auth.warn', { code }),
      debug: () => {},
    },
  };
}

let options: AuthOptions | undefined;

/** Options built from getConfig() on first use (never at import, so `next build` needs no configuration). */
export function getAuthOptions(): AuthOptions {
  options ??= buildAuthOptions(getConfig());
  return options;
}

/**
 * `authOptions` for code that expects the next-auth constant (getServerSession(authOptions)); it reads
 * the lazily built options on first property access.
 */
export const authOptions: AuthOptions = new Proxy({} as AuthOptions, {
  get: (_t, prop) => Reflect.get(getAuthOptions(), prop),
  has: (_t, prop) => Reflect.has(getAuthOptions(), prop),
  ownKeys: () => Reflect.ownKeys(getAuthOptions()),
  getOwnPropertyDescriptor: (_t, prop) => {
    const d = Reflect.getOwnPropertyDescriptor(getAuthOptions(), prop);
    return d ? { ...d, configurable: true } : undefined;
  },
});
