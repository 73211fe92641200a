/**
 * The data layer's border: only lib/directory sends DynamoDB commands. Everything else (lib/admin,
 * lib/usage, app, components, scripts, bench) calls it. The stand-ins (local/) and the tests may use the
 * SDK directly: it is their real interface. lib/aws/errors.ts (the one translator, exception classes)
 * and lib/aws/clients.ts (client construction) import the packages but no commands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['lib', 'app', 'components', 'scripts', 'bench', 'infra', 'instrumentation.ts', 'proxy.ts'];
const DATA_LAYER = 'lib/directory/';
const DYNAMODB_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-dynamodb|lib-dynamodb)'/g;

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (/\.(ts|tsx|mts|mjs)$/.test(entry)) return [entry];
  return readdirSync(full, { withFileTypes: true }).flatMap((d) => {
    if (d.name === 'node_modules' || d.name.startsWith('.')) return [];
    const rel = path.posix.join(entry, d.name);
    if (d.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|mts|mjs)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [rel] : [];
  });
}

/** The DynamoDB commands (value imports named `*Command`) a file imports. */
export function dynamoCommandsImported(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(DYNAMODB_IMPORT)) {
    if (match[1]) continue; // `import type { ... }`: no command is sent
    for (const raw of match[2].split(',')) {
      const name = raw.trim();
      if (!name.startsWith('type ') && /Command$/.test(name.split(/\s+as\s+/)[0])) found.push(name);
    }
  }
  return found;
}

describe('Data layer border', () => {
  const files = SCANNED.flatMap(sourceFiles);

  it('recognises command imports (and not types or clients)', () => {
    expect(
      dynamoCommandsImported("import { GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';"),
    ).toEqual(['GetCommand']);
    expect(
      dynamoCommandsImported("import {\n  PutCommand,\n  UpdateCommand as U,\n} from '@aws-sdk/lib-dynamodb';"),
    ).toEqual(['PutCommand', 'UpdateCommand as U']);
    expect(dynamoCommandsImported("import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';")).toEqual([]);
    expect(dynamoCommandsImported("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';")).toEqual([]);
    expect(dynamoCommandsImported("import { ScanCommand } from '@aws-sdk/client-dynamodb';")).toEqual(['ScanCommand']);
  });

  it('scans the source tree', () => {
    expect(files).toContain('lib/directory/users.ts');
    expect(files).toContain('lib/admin/lobs.ts');
    expect(files).toContain('scripts/populate.ts');
    expect(files.some((f) => f.startsWith('bench/'))).toBe(true);
  });

  it('no file outside lib/directory sends DynamoDB commands', () => {
    const offenders = files
      .filter((f) => !f.startsWith(DATA_LAYER))
      .map((f) => ({ file: f, commands: dynamoCommandsImported(readFileSync(path.join(ROOT, f), 'utf8')) }))
      .filter((o) => o.commands.length);
    expect(offenders).toEqual([]);
  });
});
