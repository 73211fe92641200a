import { describe, expect, it } from 'vitest';
import { startPortal } from '../support/local-stack';
import { assertBuilt, distDir } from '../support/portal-stack';

/** The portal refuses to start with bad configuration and names each bad variable. */
describe('configuration at start', () => {
  it('exits naming the missing and invalid variables', async () => {
    assertBuilt();
    const env = {
      NEXTAUTH_SECRET: 'x'.repeat(40),
      AWS_REGION: 'us-east-1',
      COGNITO_USER_POOL_ID: 'us-east-1_StudioLcl',
      COGNITO_CLIENT_ID: 'portal-web',
      PRESIGNED_URL_EXPIRES_SECONDS: '900',
      // COGNITO_ISSUER deliberately missing. Blank the caller's own values so they cannot leak in.
      COGNITO_ISSUER: '',
    };
    const error = await startPortal({ env, distDir: distDir(), timeoutMs: 30_000 }).then(
      async (portal) => {
        await portal.stop();
        return undefined;
      },
      (e: Error) => e,
    );
    expect(error, 'the portal must not start').toBeInstanceOf(Error);
    expect(error!.message).toContain('COGNITO_ISSUER is required');
    expect(error!.message).toContain('PRESIGNED_URL_EXPIRES_SECONDS must be an integer between 5 and 300');
  });
});
