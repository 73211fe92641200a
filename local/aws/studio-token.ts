/** Studio auth tokens: HS256 JWTs, short-lived (ExpiresInSeconds) and single use (jti remembered). */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export interface StudioGrant {
  domainId: string;
  accountId: string;
  region: string;
  userProfile: string;
  /** "Studio", "JupyterLab", "CodeEditor", … */
  app: string;
  /** Path inside the app from the LandingUri, if any. */
  path?: string;
  space?: string;
  sessionSeconds: number;
}

export class StudioTokenError extends Error {}

export class StudioTokens {
  private readonly secret = randomBytes(32);
  private readonly used = new Map<string, number>();

  /** `now`: the stand-in's clock (AwsState.now), so a test moves a URL past its expiry without waiting. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  async issue(grant: StudioGrant, expiresInSeconds: number): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ ...grant })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + expiresInSeconds)
      .sign(this.secret);
  }

  /** Verifies signature and expiry (no clock tolerance) without consuming the token. */
  async verify(token: string): Promise<StudioGrant & { jti: string; exp: number }> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'], currentDate: this.now() });
      if (typeof payload.jti !== 'string' || this.used.has(payload.jti))
        throw new StudioTokenError('token already used');
      return payload as unknown as StudioGrant & { jti: string; exp: number };
    } catch (error) {
      throw error instanceof StudioTokenError ? error : new StudioTokenError('invalid or expired token');
    }
  }

  consume(jti: string, exp: number): void {
    this.used.set(jti, exp);
    const now = Math.floor(this.now().getTime() / 1000);
    if (this.used.size > 1000) for (const [id, e] of this.used) if (e < now) this.used.delete(id);
  }
}
