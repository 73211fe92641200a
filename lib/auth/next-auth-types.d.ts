import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface Session {
    user: { username: string; groups: string[]; email?: string; sub?: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    username?: string;
    groups?: string[];
    email?: string;
  }
}
