/** Shared set-up for the stand-in suites: an in-process stack on free loopback ports. */
import { request } from 'node:http';
import { configFromEnv, startStandInsInProcess, type RunningStandIns } from '../../local/stand-ins';

export async function startLocalStack(env: Record<string, string> = {}): Promise<RunningStandIns> {
  const config = configFromEnv({
    LOCAL_DYNAMODB_PORT: '0',
    LOCAL_COGNITO_PORT: '0',
    LOCAL_AWS_PORT: '0',
    LOCAL_BIND_HOST: '127.0.0.1',
    ...env,
  });
  return startStandInsInProcess(config);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with a chosen Host header (fetch does not let us set Host). */
export async function requestWithHost(url: string, host: string, localAddress?: string): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: 'GET', headers: { host }, localAddress },
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
