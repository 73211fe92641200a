#!/usr/bin/env node
// npm run local: installs dependencies when needed, starts the local stand-ins (default ports) and
// the portal (next dev, PORT default 3000), prints where to go, and stops everything on Ctrl-C.
// Plain Node ESM with no dependencies, so it runs before `npm ci`. Development only.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopGroup } from '../local/process-group.mjs';
import { runOnProjectNode } from './project-node.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXIT_WITH_PARENT = pathToFileURL(path.join(ROOT, 'local', 'exit-with-parent.mjs')).href;
// Children get this long to stop after SIGTERM before SIGKILL: everything is gone within 5 s of a stop.
const STOP_GRACE_MS = 3000;
const PARENT_POLL_MS = 200;

// A closed terminal or a parent that went away must not turn a stop into a crash (EPIPE).
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

function log(line) {
  process.stdout.write(`${line}\n`);
}

function installIfNeeded() {
  const lock = path.join(ROOT, 'package-lock.json');
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  log('local: installing dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    log('local: npm ci failed, trying npm install…');
    result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  }
  if (result.status !== 0) {
    process.stderr.write('local: could not install dependencies\n');
    process.exit(1);
  }
}

// Started by an older system Node (a fresh machine): install, then run on the project's Node.js 22.
installIfNeeded();
await runOnProjectNode(ROOT, fileURLToPath(import.meta.url), 'local');

/** DynamoDB Local is a Java program: without Java, say in one line what to install, before starting anything. */
function requireJava() {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  if (spawnSync(java, ['-version'], { stdio: 'ignore' }).status === 0) return;
  process.stderr.write(
    'local: DynamoDB Local needs Java 17+ and none was found: install it (Debian/Ubuntu: sudo apt-get install -y default-jre-headless) or set JAVA_HOME\n',
  );
  process.exit(1);
}

/** The line saying where DynamoDB Local serves (the AWS CLI's --endpoint-url). */
function describeDynamoDb(urls) {
  const port = new URL(urls.dynamodb).port;
  return `DynamoDB:  DynamoDB Local (AWS's, in memory) serves port ${port}: aws dynamodb list-tables --endpoint-url ${urls.dynamodb}`;
}

const children = [];

function start(name, args, env) {
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, ...args], {
    cwd: ROOT,
    env,
    // Own process group: Ctrl-C reaches us, and we stop the children by PID in order.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.name = name;
  children.push(child);
  child.stderr.pipe(process.stderr);
  return child;
}

let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('\nlocal: stopping…');
  await Promise.all(children.map((child) => stopGroup(child, STOP_GRACE_MS)));
  log('local: stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));

/**
 * `npm run local` runs us under `sh -c`, and npm passes a SIGTERM (process manager, closed terminal tab)
 * to that shell only: Debian's dash dies without passing it on, and we are re-parented. So a change of
 * parent means "stop" as well. (Node has no parent-death signal; polling ppid is cheap.)
 */
function stopWhenOrphaned() {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      void stopAll(0);
    }
  }, PARENT_POLL_MS);
  timer.unref();
}
stopWhenOrphaned();

async function main() {
  installIfNeeded();
  const authMode = process.env.AUTH_MODE || 'password';
  if (authMode !== 'password' && authMode !== 'hosted-ui') {
    process.stderr.write(`local: AUTH_MODE must be password or hosted-ui, got "${authMode}"\n`);
    process.exit(2);
  }
  const port = process.env.PORT || '3000';
  requireJava();

  // The demo gets 30 days of launches and app hours (local/demo-history.ts) unless LOCAL_DEMO_HISTORY=false.
  const standIns = start('stand-ins', ['--import', 'tsx', path.join('local', 'start.ts')], {
    LOCAL_DEMO_HISTORY: 'true',
    ...process.env,
    LOCAL_QUIET: 'false',
  });
  const ready = await new Promise((resolve, reject) => {
    let pending = '';
    standIns.stdout.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // The READY line is for machines; everything else is the stand-ins' banner and log.
        if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)));
        else process.stdout.write(`${line}\n`);
      }
    });
    standIns.once('exit', (code) => reject(new Error(`stand-ins exited (code ${code})`)));
  });
  standIns.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`local: stand-ins exited unexpectedly (code ${code})\n`);
      void stopAll(1);
    }
  });

  const portalUrl = `http://localhost:${port}`;
  const portalEnv = {
    ...process.env,
    ...ready.portalEnv,
    AUTH_MODE: authMode,
    NEXTAUTH_URL: portalUrl,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || randomBytes(32).toString('base64url'),
    PORT: port,
    // next dev's overlay and dev-tools indicator inject inline styles without the CSP nonce; allow them
    // here (configuration, docs/configuration.md). A deployment keeps the nonce-only default.
    CSP_STYLE_SRC: process.env.CSP_STYLE_SRC || 'unsafe-inline',
  };
  // Loopback only by default: a developer's portal (demo users, an admin) is not for the LAN.
  const host = process.env.LOCAL_PORTAL_HOST || 'localhost';
  const portal = start(
    'portal',
    [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'dev', '-p', port, '-H', host],
    portalEnv,
  );
  portal.stdout.pipe(process.stdout);
  portal.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`local: the portal (next dev) exited (code ${code}); stopping the stand-ins\n`);
      void stopAll(1);
    }
  });

  log('');
  log(describeDynamoDb(ready.urls));
  log(`Portal:    ${portalUrl}  (AUTH_MODE=${authMode}; first request compiles, give it a few seconds)`);
  log(`Sign in as user-lob-a / UserLobA1! (or any demo user above); admin: portal-admin / PortalAdmin1!`);
  // Pasteable as printed: the AWS CLI wants some credentials and a region even for the stand-ins.
  log('API (paste into a shell):');
  log(
    `  TOKEN=$(AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=${ready.portalEnv.AWS_REGION ?? 'us-east-1'} aws cognito-idp initiate-auth --endpoint-url ${ready.urls.cognito} --client-id portal-cli --auth-flow USER_PASSWORD_AUTH --auth-parameters 'USERNAME=user-lob-a,PASSWORD=UserLobA1!' --query AuthenticationResult.AccessToken --output text)`,
  );
  log(`  curl -i -H "Authorization: Bearer $TOKEN" ${portalUrl}/api/studio/user-lob-a`);
  log('State (users, LOBs, audit) is in memory: a restart starts from the demo data again.');
  log('Ctrl-C (or SIGTERM) stops everything.');
}

main().catch((error) => {
  process.stderr.write(`local: ${error.message}\n`);
  void stopAll(1);
});
