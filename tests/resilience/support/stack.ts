/**
 * A stack per resilience suite: the stand-ins in this process (so tests can sign tokens with the
 * Cognito stand-in's keys) and the portal (`next start` of the build in NEXT_DIST_DIR) as a child
 * process whose stdout and stderr are captured in full, from its first byte, for the log assertions.
 * Free ports only; the portal is stopped by its PID.
 */
import { randomBytes } from 'node:crypto';
import { configFromEnv, startStandInsInProcess, type RunningStandIns } from '../../../local/stand-ins';
import { control, startPortal, type PortalHandle } from '../../../local/stack';
import { assertBuilt, distDir } from '../../support/portal-stack';
import { SecretLedger } from './secrets';

export type Control = ReturnType<typeof control>;

/** The portal as a child process; `output()` holds everything it printed (captureAllOutput). */
export type CapturedPortal = PortalHandle;

export interface ResilienceStack {
  standIns: RunningStandIns;
  portal: CapturedPortal;
  url: string;
  env: Record<string, string>;
  control: Control;
  /** Secrets this suite saw; asserted absent from the portal's output at the end. */
  secrets: SecretLedger;
  stop(): Promise<void>;
}

export async function startResilienceStack(opts: { portalEnv?: Record<string, string> } = {}): Promise<ResilienceStack> {
  assertBuilt();
  const standIns = await startStandInsInProcess(configFromEnv({ LOCAL_DYNAMODB_PORT: '0', LOCAL_COGNITO_PORT: '0', LOCAL_AWS_PORT: '0' }));
  try {
    const secrets = new SecretLedger();
    const env: Record<string, string> = {
      ...standIns.portalEnv,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      AUTH_MODE: 'password',
      // Everything the portal can log, so the log assertions see the most.
      LOG_LEVEL: 'debug',
      ...opts.portalEnv,
    };
    secrets.add('NEXTAUTH_SECRET', env.NEXTAUTH_SECRET);
    secrets.add('COGNITO_CLIENT_SECRET', env.COGNITO_CLIENT_SECRET);
    secrets.add('AWS_SECRET_ACCESS_KEY', env.AWS_SECRET_ACCESS_KEY);
    const portal = await startPortal({ env, distDir: distDir(), captureAllOutput: true });
    return {
      standIns,
      portal,
      url: portal.url,
      env,
      control: control(standIns.urls.control),
      secrets,
      stop: async () => {
        await portal.stop();
        await standIns.stop();
      },
    };
  } catch (error) {
    await standIns.stop();
    throw error;
  }
}
