import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface Session {
    user: { username: string; groups: string[]; email?: string; sub?: string; mfa?: boolean };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    username?: string;
    groups?: string[];
    email?: string;
    /** Sign-in time (epoch seconds, the portal's clock): the session's absolute lifetime counts from it. */
    signedInAt?: number;
    /** The one Cognito token sign-out revokes (lib/auth/sign-out.ts); encrypted in the cookie, never logged. */
    revoke?: { kind: 'refresh' | 'access'; token: string };
    mfa?: boolean;
  }
}
