/**
 * A test or bench process that calls the portal's own modules (lib/) against running stand-ins, as the
 * portal server would: the portal principal's keys go to process.env (the AWS SDK's default provider chain
 * reads them, as on Lambda), and the portal's configuration is parsed from the stand-ins' portal env.
 */
import { parseConfig, type PortalConfig } from '../lib/config';
import { configFromEnv, startStandInsInProcess, type RunningStandIns } from './stand-ins';

/** The stand-ins in this process, each on a free loopback port (`env`: more LOCAL_* settings). */
export function startStandInsOnFreePorts(env: Record<string, string> = {}): Promise<RunningStandIns> {
  const ports = {
    LOCAL_DYNAMODB_PORT: '0',
    LOCAL_COGNITO_PORT: '0',
    LOCAL_AWS_PORT: '0',
    LOCAL_BIND_HOST: '127.0.0.1',
  };
  return startStandInsInProcess(configFromEnv({ ...ports, ...env }));
}

const CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED'] as const;

/** next-auth's settings, which parseConfig requires; an in-process caller never serves a sign-in. */
const SESSION_ENV = { NEXTAUTH_URL: 'http://localhost:3000', NEXTAUTH_SECRET: 'x'.repeat(32) };

/** Sets the portal principal's keys in process.env and returns the portal's configuration (`env` added). */
export function inProcessPortalConfig(
  standIns: Pick<RunningStandIns, 'portalEnv'>,
  env: Record<string, string> = {},
): PortalConfig {
  for (const key of CREDENTIAL_ENV) process.env[key] = standIns.portalEnv[key];
  return parseConfig({ ...standIns.portalEnv, ...SESSION_ENV, ...env });
}
