import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/next-auth';

type Context = { params: Promise<{ nextauth: string[] }> };

// Built on first request, not at import: `next build` must not need the portal's configuration.
function handle(req: Request, context: Context) {
  return NextAuth(getAuthOptions())(req, context);
}

export { handle as GET, handle as POST };
