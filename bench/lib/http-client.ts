/**
 * The one HTTP client both flows are measured with: node:http over a keep-alive agent (one socket
 * reused, like a script calling the API in a loop), timing from request start to the end of the body.
 */
import { Agent, request } from 'node:http';

export interface TimedResponse {
  status: number;
  ms: number;
  location?: string;
  body: string;
}

export function createKeepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

export function timedGet(url: string, headers: Record<string, string>, agent?: Agent): Promise<TimedResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'GET',
        headers,
        agent,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
            body,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
