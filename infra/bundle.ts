// Lays out the Lambda bundle from a `next build` with `output: 'standalone'`: the standalone server, the
// static assets it serves itself (no CDN: everything stays behind the private API), and the run.sh the
// AWS Lambda Web Adapter starts.
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Thrown when the Next.js build output needed for the bundle is missing. */
export class BundleError extends Error {
  readonly code = 'infra.bundle_missing';
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface BundleArgs {
  /** project root (where next.config.mjs is) */
  projectDir: string;
  /** Next.js distDir used for the build (NEXT_DIST_DIR), default `.next` */
  distDir?: string;
  /** where to write the bundle; replaced on every call */
  outDir: string;
}

export const RUN_SCRIPT = `#!/bin/sh
# Started by the AWS Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap), which forwards each
# API Gateway event as HTTP to PORT once /api/health answers. The code directory is read-only; only /tmp
# is writable. The heap gets three quarters of the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, set
# by Lambda from infra's memorySize), the rest is for buffers, native memory and the adapter.
cd "$(dirname "$0")"
if [ -n "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" ]; then
  export NODE_OPTIONS="--max-old-space-size=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE * 3 / 4))\${NODE_OPTIONS:+ $NODE_OPTIONS}"
fi
exec node server.js
`;

/** Copies standalone output + .next/static + public into outDir and writes run.sh; returns outDir. */
export function preparePortalBundle(args: BundleArgs): string {
  const distDir = args.distDir ?? '.next';
  const standalone = path.join(args.projectDir, distDir, 'standalone');
  if (!existsSync(path.join(standalone, 'server.js'))) {
    throw new BundleError(
      `${standalone}/server.js not found: run \`NEXT_DIST_DIR=${distDir} npm run build\` first (next.config.mjs sets output: 'standalone')`,
    );
  }
  rmSync(args.outDir, { recursive: true, force: true });
  mkdirSync(args.outDir, { recursive: true });
  cpSync(standalone, args.outDir, { recursive: true, dereference: true });
  const staticDir = path.join(args.projectDir, distDir, 'static');
  if (existsSync(staticDir)) cpSync(staticDir, path.join(args.outDir, distDir, 'static'), { recursive: true });
  const publicDir = path.join(args.projectDir, 'public');
  if (existsSync(publicDir)) cpSync(publicDir, path.join(args.outDir, 'public'), { recursive: true });
  const runScript = path.join(args.outDir, 'run.sh');
  writeFileSync(runScript, RUN_SCRIPT);
  chmodSync(runScript, 0o755);
  return args.outDir;
}
