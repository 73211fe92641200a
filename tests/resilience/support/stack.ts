/**
 * A stack per resilience suite: the stand-ins in this process (so tests can sign tokens with the
 * Cognito stand-in's keys) and the portal (`next start` of the build in NEXT_DIST_DIR) as a child
 * process whose stdout and stderr are captured in full, from its first byte, for the log assertions.
 * Free ports only; the portal is stopped by its PID.
 */
import type { RunningStandIns } from '@/local/stand-ins';
import type { control, PortalHandle } from '@/local/stack';
import { startPortalStack } from '@/tests/support/portal-stack';
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

export async function startResilienceStack(
  opts: { portalEnv?: Record<string, string> } = {},
): Promise<ResilienceStack> {
  // Everything the portal can log, so the log assertions see the most.
  const stack = await startPortalStack({
    mode: 'password',
    logLevel: 'debug',
    captureAllOutput: true,
    portalEnv: opts.portalEnv,
  });
  const secrets = new SecretLedger();
  secrets.add('NEXTAUTH_SECRET', stack.env.NEXTAUTH_SECRET);
  secrets.add('COGNITO_CLIENT_SECRET', stack.env.COGNITO_CLIENT_SECRET);
  secrets.add('AWS_SECRET_ACCESS_KEY', stack.env.AWS_SECRET_ACCESS_KEY);
  return { ...stack, secrets };
}
