// The Node.js this project runs on: the npm package `node` (devDependency, major 22 = the Lambda runtime
// nodejs22.x) at node_modules/.bin/node. `npm test` and `npm run local` may be started by an older system
// Node (a fresh machine with Node 20): after installing the packages they re-run themselves under it.
// Plain Node ESM with no dependencies (runs before `npm ci`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The Node major that package.json's devDependency `node` pins (e.g. "^22.23.3" -> 22). */
export function pinnedNodeMajor(root) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const spec = pkg.devDependencies?.node ?? '';
  const major = Number(/(\d+)/.exec(spec)?.[1]);
  if (!Number.isInteger(major))
    throw new Error(`package.json: devDependencies.node must pin a Node major, got "${spec}"`);
  return major;
}

export function projectNodePath(root) {
  return path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
}

/** Puts node_modules/.bin first on PATH so children (npx, next, vitest, playwright) run on the project's Node too. */
export function putProjectBinFirst(root) {
  const bin = path.join(root, 'node_modules', '.bin');
  const parts = (process.env.PATH ?? '').split(path.delimiter);
  if (parts[0] !== bin) process.env.PATH = [bin, ...parts.filter((p) => p !== bin)].join(path.delimiter);
}

/**
 * Returns when this process already runs on the pinned major (or newer). Otherwise runs `script` again with
 * the same arguments under node_modules/.bin/node, passes SIGINT / SIGTERM / SIGHUP on to it, and exits
 * with its code (never returns); being re-parented (the starting shell died) counts as SIGTERM. Call it
 * after the packages are installed.
 */
export async function runOnProjectNode(root, script, label) {
  putProjectBinFirst(root);
  const want = pinnedNodeMajor(root);
  const have = Number(process.versions.node.split('.')[0]);
  if (have >= want) {
    // The loop guard is for this process only: what it starts (e.g. a test that runs `npm run local`
    // on an older Node) must be free to re-run itself too.
    delete process.env.STUDIO_PORTAL_NODE_REEXEC;
    return;
  }
  const node = projectNodePath(root);
  if (!existsSync(node) || process.env.STUDIO_PORTAL_NODE_REEXEC === '1') {
    process.stderr.write(
      `${label}: needs Node.js ${want} (this is ${process.version}) and ${node} is missing: run npm ci\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `${label}: Node.js ${process.version} started this; running it on the project's Node.js ${want} (${path.relative(root, node)})\n`,
  );
  const child = spawn(node, [script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, STUDIO_PORTAL_NODE_REEXEC: '1' },
  });
  const pass = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => pass(signal));
  // npm signals only its `sh -c`, and Debian's dash dies without passing it on: we are re-parented. The
  // child watches *its* parent (us), so a change of ours must reach it as the SIGTERM it stands for.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      pass('SIGTERM');
    }
  }, 250);
  watch.unref();
  await new Promise(() => {
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  });
}
