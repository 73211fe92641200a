import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface Session {
    user: { username: string; groups: string[]; email?: string; mfa?: boolean };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    username?: string;
    groups?: string[];
    email?: string;
    mfa?: boolean;
  }
}
