/**
 * The production build the bench serves. Default: its own NEXT_DIST_DIR (.next-bench), rebuilt when
 * missing or older than any source file, so a bench never measures a stale build and never clobbers
 * the build `npm test` or a developer uses. `--dist-dir .next` reuses another build as it is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SOURCES = [
  'app',
  'components',
  'lib',
  'proxy.ts',
  'instrumentation.ts',
  'next.config.ts',
  'package-lock.json',
  'postcss.config.mjs',
];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export interface BuildState {
  distDir: string;
  built: boolean;
  reason: string;
  buildSeconds?: number;
}

export function buildIsFresh(root: string, distDir: string): { fresh: boolean; reason: string } {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!existsSync(buildId)) return { fresh: false, reason: `no build in ${distDir}` };
  if (!existsSync(path.join(root, distDir, 'standalone', 'server.js')))
    return { fresh: false, reason: `${distDir} has no standalone output` };
  const builtAt = statSync(buildId).mtimeMs;
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > builtAt
    ? { fresh: false, reason: `sources changed after the build in ${distDir}` }
    : { fresh: true, reason: `${distDir} is up to date` };
}

/** Builds into distDir unless a fresh build is there (or `rebuild: false` forbids building). */
export function ensureBuild(
  root: string,
  distDir: string,
  opts: { rebuild?: boolean; log: (m: string) => void },
): BuildState {
  const { fresh, reason } = buildIsFresh(root, distDir);
  if (fresh) return { distDir, built: false, reason };
  if (opts.rebuild === false) {
    if (!existsSync(path.join(root, distDir, 'BUILD_ID')))
      throw new Error(`${reason}; build it first: NEXT_DIST_DIR=${distDir} npx next build`);
    opts.log(`warning: ${reason}; measuring it anyway (--no-build)`);
    return { distDir, built: false, reason };
  }
  opts.log(`building the portal into ${distDir} (${reason}) ...`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'],
    {
      cwd: root,
      // Type errors are `npm run typecheck`'s business; the bench measures run time, and other areas'
      // work in progress must not stop it.
      env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', NEXT_SKIP_TYPECHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  dropDistDirFromTsconfig(root, distDir);
  if (result.status !== 0) {
    throw new Error(
      `next build into ${distDir} failed (exit ${result.status}):\n${(result.stdout + result.stderr).slice(-4000)}`,
    );
  }
  return { distDir, built: true, reason, buildSeconds: Math.round((performance.now() - started) / 100) / 10 };
}

/**
 * `next build` adds `<distDir>/types/**` to tsconfig.json's include for any distDir; the bench's
 * build folder is not the project's, so take those entries out again (tsconfig.json stays as committed).
 */
function dropDistDirFromTsconfig(root: string, distDir: string): void {
  const file = path.join(root, 'tsconfig.json');
  try {
    const config = JSON.parse(readFileSync(file, 'utf8')) as { include?: string[] };
    const prefix = `${distDir.replace(/^\.\//, '')}/`;
    const include = config.include?.filter((entry) => !entry.startsWith(prefix));
    if (!include || include.length === config.include?.length) return;
    writeFileSync(file, JSON.stringify({ ...config, include }, null, 2) + '\n');
  } catch {
    // Not plain JSON (comments): leave it alone.
  }
}

/** Bytes and files under a directory (what a deployment would upload). */
export function directorySize(dir: string): { bytes: number; files: number } {
  if (!existsSync(dir)) return { bytes: 0, files: 0 };
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        bytes += statSync(full).size;
        files += 1;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}
