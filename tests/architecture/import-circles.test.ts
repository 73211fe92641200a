/**
 * No import circles anywhere in the source tree (type-only imports included: a circle through a type still
 * ties two modules together). dpdm walks the imports from every source file, as `npx dpdm` would.
 */
import path from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['lib', 'app', 'components', 'infra', 'local', 'scripts', 'bench', 'tests', 'e2e'].map(
  (dir) => `${dir}/**/*.{ts,tsx}`,
);

describe('Import graph', () => {
  it('has no circles', async () => {
    const tree = await parseDependencyTree([...SOURCES, '*.ts'], {
      cwd: ROOT,
      context: ROOT,
      tsconfig: path.join(ROOT, 'tsconfig.json'),
      transform: false,
      skipDynamicImports: false,
      exclude: /node_modules|\/\.next|tests\/architecture\/fixtures\//,
    });
    expect(Object.keys(tree).some((file) => file.startsWith('lib/launch/'))).toBe(true);
    expect(parseCircular(tree).map((circle) => circle.join(' -> '))).toEqual([]);
  }, 120_000);

  it('finds a circle when there is one', async () => {
    const dir = path.join(__dirname, 'fixtures/circle');
    const tree = await parseDependencyTree(['a.ts'], { cwd: dir, context: dir, transform: false });
    expect(parseCircular(tree)).toEqual([['a.ts', 'b.ts']]);
  });
});
