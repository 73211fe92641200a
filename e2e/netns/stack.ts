/**
 * The servers of the simulated network, all in the `shared` namespace: a probe (topology checks), the
 * stand-ins (one process), and two portals (hosted-ui and password sign-in). Started with
 * `ip netns exec shared`, checked for health from `onprem`, stopped by PID.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ADDR,
  HOSTS,
  NETNS_DIR,
  REPO_ROOT,
  STUDIO_DOMAIN_SUFFIX,
  spawnInNamespace,
  waitForHttpInNamespace,
  type NamespaceProcess,
} from './network';

/**
 * Fixed ports are safe: the shared namespace is ours alone. The AWS stand-in (and so Studio) listens on
 * 80, so presigned URLs look like the real ones: http://<domain>.studio.<region>.sagemaker.aws/auth?...
 */
export const PORTS = {
  probe: 8080,
  dynamodb: 8000,
  cognito: 9229,
  aws: 80,
  portalHostedUi: 3000,
  portalPassword: 3001,
} as const;

/** Scenario f waits for this password-mode portal's URLs to expire (the config's minimum). */
export const SHORT_URL_EXPIRES_SECONDS = 5;

export interface PortalInfo {
  url: string;
  authMode: 'hosted-ui' | 'password';
  urlExpiresSeconds: number;
}

export interface NetnsState {
  probeUrl: string;
  cognito: { apiUrl: string; issuer: string; cliClientId: string };
  awsUrl: string;
  /** The stand-ins' control API (reached from onprem): moves the SageMaker/Studio stand-in's clock. */
  controlUrl: string;
  portals: { hostedUi: PortalInfo; password: PortalInfo };
}

/** How global setup hands the state to the test workers (they inherit the runner's environment). */
export const STATE_ENV = 'NETNS_E2E_STATE';

export interface NetnsStack {
  state: NetnsState;
  stop(): Promise<void>;
}

const STAND_INS_READY_MS = 60_000;
const PORTAL_READY_MS = 90_000;
// Fresh per run; both portals share it (harmless: their cookies live on different hosts).
const NEXTAUTH_SECRET = randomBytes(32).toString('base64url');

interface StandInsReady {
  urls: { dynamodb: string; cognito: string; issuer: string; jwks: string; aws: string; control: string };
  portalEnv: Record<string, string>;
}

function distDir(): string {
  return path.resolve(REPO_ROOT, process.env.NEXT_DIST_DIR || '.next');
}

async function startStandIns(processes: NamespaceProcess[]): Promise<StandInsReady> {
  const standIns = spawnInNamespace('shared', 'stand-ins', process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    LOCAL_BIND_HOST: '0.0.0.0',
    LOCAL_PUBLIC_HOST: ADDR.shared,
    LOCAL_DYNAMODB_PORT: String(PORTS.dynamodb),
    LOCAL_COGNITO_PORT: String(PORTS.cognito),
    LOCAL_AWS_PORT: String(PORTS.aws),
    STUDIO_DOMAIN_SUFFIX,
    STUDIO_PUBLIC_PORT: 'none',
    // Studio answers a presigned URL only on the VPC-endpoint address; the public one refuses.
    STUDIO_VPCE_ADDRESSES: ADDR.studioVpce,
    LOCAL_QUIET: 'true',
  });
  processes.push(standIns);
  const line = await standIns.waitForLine(/^READY /, STAND_INS_READY_MS);
  const ready = JSON.parse(line.slice('READY '.length)) as StandInsReady;
  await waitForHttpInNamespace('onprem', `${ready.urls.control}/health`, { process: standIns, timeoutMs: 15_000 });
  return ready;
}

/** Each sign-in mode's portal: the key of its port (PORTS) and host name (HOSTS). */
const PORTAL_OF_MODE = { 'hosted-ui': 'portalHostedUi', password: 'portalPassword' } as const;

/** `next start` of the portal in `authMode`, on its own port and host name (process name `portal-<mode>`). */
function startPortal(
  processes: NamespaceProcess[],
  standIns: StandInsReady,
  authMode: PortalInfo['authMode'],
  urlExpiresSeconds?: number,
): { process: NamespaceProcess; info: PortalInfo } {
  const key = PORTAL_OF_MODE[authMode];
  const port = PORTS[key];
  const name = `portal-${authMode}`;
  const publicUrl = `http://${HOSTS[key]}:${port}`;
  const nextBin = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const portal = spawnInNamespace(
    'shared',
    name,
    process.execPath,
    [nextBin, 'start', '-H', ADDR.shared, '-p', String(port)],
    {
      ...standIns.portalEnv,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_MODE: authMode,
      NEXTAUTH_URL: publicUrl,
      NEXTAUTH_SECRET,
      PRESIGNED_URL_EXPIRES_SECONDS: urlExpiresSeconds === undefined ? undefined : String(urlExpiresSeconds),
      LOG_LEVEL: 'warn',
    },
  );
  processes.push(portal);
  return { process: portal, info: { url: publicUrl, authMode, urlExpiresSeconds: urlExpiresSeconds ?? 60 } };
}

export async function startNetnsStack(): Promise<NetnsStack> {
  if (!existsSync(path.join(distDir(), 'BUILD_ID'))) {
    throw new Error(
      `no production build of the portal in ${distDir()}: run \`npx next build\` first (npm test does), or set NEXT_DIST_DIR to the build folder`,
    );
  }
  const processes: NamespaceProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.reverse().map((p) => p.stop()));
  };
  try {
    const probe = spawnInNamespace('shared', 'probe', process.execPath, [path.join(NETNS_DIR, 'probe-server.mjs')], {
      PROBE_PORT: String(PORTS.probe),
    });
    processes.push(probe);
    const probeUrl = `http://${ADDR.shared}:${PORTS.probe}`;

    const standIns = await startStandIns(processes);
    // Two `next start` in parallel: one per sign-in mode; the password one mints short-lived URLs (scenario f).
    const hostedUi = startPortal(processes, standIns, 'hosted-ui');
    const password = startPortal(processes, standIns, 'password', SHORT_URL_EXPIRES_SECONDS);
    await Promise.all([
      waitForHttpInNamespace('onprem', `${probeUrl}/`, { process: probe, timeoutMs: 15_000 }),
      waitForHttpInNamespace('onprem', `http://${ADDR.shared}:${PORTS.portalHostedUi}/api/health`, {
        process: hostedUi.process,
        timeoutMs: PORTAL_READY_MS,
      }),
      waitForHttpInNamespace('onprem', `http://${ADDR.shared}:${PORTS.portalPassword}/api/health`, {
        process: password.process,
        timeoutMs: PORTAL_READY_MS,
      }),
    ]);

    return {
      state: {
        probeUrl,
        cognito: { apiUrl: standIns.urls.cognito, issuer: standIns.urls.issuer, cliClientId: 'portal-cli' },
        awsUrl: standIns.urls.aws,
        controlUrl: standIns.urls.control,
        portals: { hostedUi: hostedUi.info, password: password.info },
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
