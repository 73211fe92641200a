import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError, preparePortalBundle } from './bundle';

function fakeBuild(distDir: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'next-build-'));
  mkdirSync(path.join(root, distDir, 'standalone', distDir, 'server'), { recursive: true });
  writeFileSync(path.join(root, distDir, 'standalone', 'server.js'), '// next server');
  mkdirSync(path.join(root, distDir, 'static', 'chunks'), { recursive: true });
  writeFileSync(path.join(root, distDir, 'static', 'chunks', 'app.js'), '// chunk');
  mkdirSync(path.join(root, 'public'));
  writeFileSync(path.join(root, 'public', 'logo.svg'), '<svg/>');
  return root;
}

describe('Lambda bundle from the standalone build', () => {
  it('holds server.js, the static assets under the dist dir, public/ and an executable run.sh', () => {
    const root = fakeBuild('.next-infra');
    const out = preparePortalBundle({ projectDir: root, distDir: '.next-infra', outDir: path.join(root, 'bundle') });
    expect(readFileSync(path.join(out, 'server.js'), 'utf8')).toBe('// next server');
    expect(readFileSync(path.join(out, '.next-infra', 'static', 'chunks', 'app.js'), 'utf8')).toBe('// chunk');
    expect(readFileSync(path.join(out, 'public', 'logo.svg'), 'utf8')).toBe('<svg/>');
    expect(readFileSync(path.join(out, 'run.sh'), 'utf8')).toContain('exec node server.js');
    expect(statSync(path.join(out, 'run.sh')).mode & 0o111).toBe(0o111);
  });

  it('fails with a clear error when the standalone build is missing', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'no-build-'));
    expect(() => preparePortalBundle({ projectDir: root, outDir: path.join(root, 'bundle') })).toThrow(BundleError);
    expect(() => preparePortalBundle({ projectDir: root, outDir: path.join(root, 'bundle') })).toThrow(/npm run build/);
  });
});
