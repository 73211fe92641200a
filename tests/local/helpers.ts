/** Shared set-up for the stand-in suites: an in-process stack on free loopback ports. */
import { request } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { RunningStandIns } from '../../local/stand-ins';
import { startStandInsOnFreePorts } from '../../local/in-process-portal';

export const startLocalStack = startStandInsOnFreePorts;

/**
 * Starts the stand-ins before the file's tests (a `beforeAll` registered first, so later hooks see them)
 * and stops them after. Call at the top level; read the running stack through the returned function.
 */
export function useLocalStack(env: Record<string, string> = {}): () => RunningStandIns {
  let stack: RunningStandIns | undefined;
  beforeAll(async () => {
    stack = await startLocalStack(env);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('the local stack is not running: use it inside a test or a hook');
    return stack;
  };
}

/** The error a call fails with (an AWS SDK exception carries `$metadata`); fails the test when the call succeeds. */
export async function errorOf<E extends Error = Error & { $metadata?: { httpStatusCode?: number } }>(
  promise: Promise<unknown>,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the call to fail');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with a chosen Host header (fetch does not let us set Host), and optional other headers (a cookie). */
export async function requestWithHost(
  url: string,
  host: string,
  localAddress?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'GET',
        headers: { ...headers, host },
        localAddress,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends a request to the host:port of `url` using the Host (and path) of an AuthorizedUrl. */
export async function openStudioUrl(authorizedUrl: string, serverUrl: string): Promise<RawResponse> {
  const studio = new URL(authorizedUrl);
  const server = new URL(serverUrl);
  return requestWithHost(`${server.origin}${studio.pathname}${studio.search}`, studio.host);
}
